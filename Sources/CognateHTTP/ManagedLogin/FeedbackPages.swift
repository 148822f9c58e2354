import CognateCrypto
import CognateServices
import Foundation
import HTTPTypes
import Hummingbird

/// `/feedback`: where the one-click links of threat protection's notices lead. The link only opens a page
/// that asks the user to confirm (mail scanners follow links); the confirming POST, CSRF-protected, gives the
/// feedback with the notice's token, as UpdateAuthEventFeedback would.
extension ManagedLoginEndpoints {
    static let feedbackFields = ["user_pool_id", "username", "event_id", "feedback_token", "feedback_value"]

    func addFeedbackPages(to router: Router<some RequestContext>) {
        router.get("/feedback") { request, _ -> Response in
            guard let query = Self.query(request).parameters, Self.feedbackFields.allSatisfy({ query[$0]?.isEmpty == false }) else {
                return pages.message(title: "Sign-in feedback", "This link is incomplete. Open the link from the email again.", status: .badRequest)
            }
            let valid = query["feedback_value"] == "Valid"
            let csrf = newCSRF()
            var hidden: [String: String] = [:]
            for name in Self.feedbackFields { hidden[name] = query[name] }
            return pages.form(
                title: valid ? "Confirm a sign-in" : "Report a sign-in", poolName: "", action: "/feedback", csrf: csrf.token, fields: [],
                hidden: hidden, button: valid ? "Yes, this sign-in was me" : "No, this sign-in was not me",
                info: valid
                    ? "Confirm that the sign-in the email told you about was yours."
                    : "Confirm that the sign-in the email told you about was not yours. Then change your password.",
                headers: csrf.headers)
        }
        router.post("/feedback") { request, _ -> Response in
            var request = request
            guard let body = try? await request.collectBody(upTo: 16 * 1024), let form = FormBody.parse(Array(body.readableBytesView)),
                let token = form["_csrf"], let cookie = Cookies.value(Cookies.csrf, in: request), !token.isEmpty,
                ConstantTime.equal(Array(token.utf8), Array(cookie.utf8))
            else {
                return pages.message(title: "Sign-in feedback", "Your form expired. Open the link from the email again.", status: .forbidden)
            }
            let fields = Self.feedbackFields.map { (form[$0] ?? "").prefix(2_048) }.map(String.init)
            switch try await login.eventFeedback(
                poolID: fields[0], username: fields[1], eventID: fields[2], token: fields[3], value: fields[4])
            {
            case .success:
                let valid = fields[4] == "Valid"
                return pages.message(
                    title: "Thank you",
                    valid ? "You told us this sign-in was yours." : "You told us this sign-in was not yours. Change your password now.",
                    status: .ok)
            case .failure(let error):
                return pages.message(title: "Sign-in feedback", "Your feedback was not taken: \(error.message)", status: .badRequest)
            }
        }
    }
}
