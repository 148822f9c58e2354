-- wrk script for the OAuth 2.0 token endpoint: form POSTs to /oauth2/token. Arguments (after --):
--   1: a file with one value per line, or "-" for none
--   2: the form body, where {item} becomes a line of the file
--   3: "random" (any line, again and again: refresh tokens) or "once" (each line once, split between
--      wrk's threads: authorization codes, which are single-use)
--   4: an Authorization header value, or "-" for none (client_secret_basic)
--   5: how many threads wrk runs (-t), so that "once" splits the lines between them
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  template, mode = args[2], args[3]
  items = {}
  if args[1] ~= "-" then
    for line in io.lines(args[1]) do items[#items + 1] = line end
  end
  math.randomseed(os.time() + (tid or 0) * 7919)
  position = tid or 0
  stride = tonumber(args[5]) or 1
  wrk.method = "POST"
  wrk.path = "/oauth2/token"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  if args[4] ~= "-" then wrk.headers["Authorization"] = args[4] end
end

function request()
  local body = template
  if #items > 0 then
    local item
    if mode == "once" then
      -- Thread t takes lines t+1, t+1+n, t+1+2n, … (n threads); past the end it repeats the last, which
      -- the server refuses: a run too long for its codes shows as errors.
      item = items[math.min(position + 1, #items)]
      position = position + stride
    else
      item = items[math.random(#items)]
    end
    body = body:gsub("{item}", function() return item end)
  end
  return wrk.format(nil, nil, nil, body)
end
