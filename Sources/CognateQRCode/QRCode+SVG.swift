extension QRCode {
    /// The code as an SVG image: one path of unit squares on a light background with the four-module
    /// quiet zone the standard asks for. `label` is the image's accessible name.
    public func svg(pixels: Int = 232, label: String) -> String {
        let side = size + 8
        var path = ""
        path.reserveCapacity(size * size * 4)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < size && isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + 4) \(y + 4)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return
            #"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\#(label)" width="\#(pixels)" height="\#(pixels)" viewBox="0 0 \#(side) \#(side)" shape-rendering="crispEdges"><rect width="\#(side)" height="\#(side)" fill="white"/><path fill="black" d="\#(path)"/></svg>"#
    }
}
