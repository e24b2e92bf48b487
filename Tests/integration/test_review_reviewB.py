"""Review of issue 13 (sign-in, web pages, FastCGI boundary, registration, latchctl, bad input):
each test here failed on the merged code and pins a CONTRACT revision 2 sentence."""
import pytest

from clienthelpers import bearer, register


@pytest.fixture(scope="module")
def stack(make_stack):
    return make_stack({"LATCH_REGISTRATION_RATE_LIMIT": "1000000"})


# -- "Dynamic client registration": application_type (web, native) is accepted and stored --

def test_application_type_defaults_to_web_and_is_stored_and_answered(stack):
    r = register(stack, {"redirect_uris": ["https://app.example.com/cb"]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["application_type"] == "web"
    assert stack.scalar(f"SELECT metadata->>'application_type' FROM clients WHERE client_id = '{body['client_id']}'") == "web"


def test_native_application_type_is_kept_through_rfc7592_read_and_update(stack):
    r = register(stack, {"redirect_uris": ["http://127.0.0.1/cb"], "token_endpoint_auth_method": "none",
                         "application_type": "native"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["application_type"] == "native"
    assert stack.scalar(f"SELECT metadata->>'application_type' FROM clients WHERE client_id = '{body['client_id']}'") == "native"
    read = stack.get(f"/oauth2/clients/{body['client_id']}", headers=bearer(body["registration_access_token"]))
    assert read.status_code == 200 and read.json()["application_type"] == "native"
    # PUT replaces: an omitted application_type is the default again.
    put = stack.request("PUT", f"/oauth2/clients/{body['client_id']}", headers=bearer(read.json()["registration_access_token"]),
                        json={"client_id": body["client_id"], "redirect_uris": ["http://127.0.0.1/cb"],
                              "token_endpoint_auth_method": "none"})
    assert put.status_code == 200, put.text
    assert put.json()["application_type"] == "web"


@pytest.mark.parametrize("value", ["desktop", "", "WEB", 5, ["web"]])
def test_an_unknown_application_type_is_invalid_client_metadata(stack, value):
    r = register(stack, {"redirect_uris": ["https://app.example.com/cb"], "application_type": value})
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "invalid_client_metadata"


# -- "latchctl": `latchctl scope add NAME [--open]` (the description is optional) ----------

def test_scope_add_without_a_description(stack):
    from clienthelpers import unique
    name = unique("rv") + ":tools"
    r = stack.latchctl("scope", "add", name, "--open", check=False)
    assert r.returncode == 0, r.stderr
    scopes = {s["name"]: s for s in stack.latchctl_json("scope", "list")}
    assert scopes[name]["open"] is True and scopes[name]["description"] == name
    # An existing scope keeps its description when none is given.
    stack.latchctl("scope", "add", name, "--description", "Use the tools")
    assert stack.latchctl("scope", "add", name, check=False).returncode == 0
    scopes = {s["name"]: s for s in stack.latchctl_json("scope", "list")}
    assert scopes[name]["description"] == "Use the tools" and scopes[name]["open"] is False
