-- Paths authorize_exchange and authorize_exchange_metadata: GET /oauth2/authorize with the
-- bench user's session (remembered consent answers 302 with a code), then POST /oauth2/tokens
-- redeeming that code as a public client (bench/paths/authorize_exchange.py). A code taken
-- from a Location header is redeemed by the thread's next request.
-- wrk arguments after "--": data file, number of threads, the session cookie.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
setup = common.setup
done = common.done

local authorize_path, exchange_prefix, get_headers, post_headers
local codes = {}

function init(args)
    local items, cookie = common.load(args)
    local line = items[1] or ""
    authorize_path, exchange_prefix = line:match("^([^\t]*)\t(.*)$")
    get_headers = { ["Cookie"] = cookie }
    post_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
    wrapped = 0
end

function request()
    local code = table.remove(codes)
    if code then
        return wrk.format("POST", "/oauth2/tokens", post_headers, exchange_prefix .. code)
    end
    return wrk.format("GET", authorize_path, get_headers, nil)
end

function response(status, headers, body)
    local location = headers["Location"] or headers["location"]
    if location then
        local code = location:match("[?&]code=([^&]+)")
        if code then table.insert(codes, code) end
    end
end
