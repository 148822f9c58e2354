-- wrk script for one cognito-idp operation. Arguments (after --):
--   1: the operation (X-Amz-Target suffix)
--   2: a file with one value per line, or "-" for none
--   3: the JSON body, where {item} becomes a random line of the file and {unique} a value no other
--      request of the run uses (for creating users)
--   4: optional, a prefix that keeps {unique} apart from another wrk run at the same moment (one per node)
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  operation, template = args[1], args[3]
  items = {}
  if args[2] ~= "-" then
    for line in io.lines(args[2]) do items[#items + 1] = line end
  end
  run = (args[4] or "") .. tostring(os.time())
  counter = 0
  math.randomseed(os.time() + (tid or 0) * 7919)
  wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
  wrk.headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService." .. operation
  wrk.headers["Authorization"] =
    "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00"
end

function request()
  counter = counter + 1
  local body = template
  if #items > 0 then
    local item = items[math.random(#items)]
    body = body:gsub("{item}", function() return item end)
  end
  local unique = "b" .. run .. "t" .. tostring(tid) .. "n" .. tostring(counter)
  body = body:gsub("{unique}", function() return unique end)
  return wrk.format("POST", "/", nil, body)
end
