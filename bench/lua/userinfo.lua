-- Path 5c: GET /oauth2/userinfo with Authorization: Bearer <access token holding openid>;
-- README "OpenID Connect". Each line of the data file is one pre-minted live access token;
-- userinfo does not change the token, so the list is cycled.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
setup = common.setup
done = common.done

local next_token
function init(args)
    local tokens = common.load(args)
    next_token = common.cycle(tokens)
end

function request()
    return wrk.format("GET", "/oauth2/userinfo", { ["Authorization"] = "Bearer " .. next_token() })
end
