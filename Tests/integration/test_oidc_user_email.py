"""`latchctl user set-email NAME EMAIL [--email-verified]` (README "OpenID Connect"): an admin
sets or changes a person's email address after the account exists; the next ID token and
userinfo carry it (with the email scope); audited as user.updated without the address; a bad
address or an unknown user is a clear refusal."""
import json

from authflow import unique
from test_oidc_id_tokens import make_person, sign_in_flow, world  # noqa: F401


def test_set_email_reaches_userinfo_and_is_audited(stack, world):  # noqa: F811
    person = make_person(stack)
    user = person[0]
    address = f"{unique('mail')}@example.net"
    out = json.loads(stack.latchctl("user", "set-email", user["username"], address, "--email-verified", "--json").stdout)
    assert out == {"username": user["username"], "email": address, "email_verified": True}
    tokens, _, _ = sign_in_flow(stack, world["client"], world["secret"], person)
    info = stack.get("/oauth2/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]}).json()
    assert info["email"] == address and info["email_verified"] is True
    # Changed again, not vouched for.
    other = f"{unique('mail')}@example.net"
    assert "set the email" in stack.latchctl("user", "set-email", user["username"], other).stdout
    info = stack.get("/oauth2/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]}).json()
    assert info["email"] == other and info["email_verified"] is False
    detail = stack.scalar(f"SELECT detail::text FROM audit_events WHERE event = 'user.updated' AND user_id = {user['id']} "
                          f"ORDER BY id DESC LIMIT 1")
    assert '"email_set": true' in detail and address not in detail and other not in detail


def test_set_email_refusals(stack):
    person = make_person(stack)
    r = stack.latchctl("user", "set-email", person[0]["username"], "not-an-email", check=False)
    assert r.returncode != 0 and "not an email address" in r.stderr
    r = stack.latchctl("user", "set-email", unique("nobody"), "a@example.net", check=False)
    assert r.returncode == 1 and "no user" in r.stderr
    r = stack.latchctl("user", "set-email", "--help")
    assert r.returncode == 0 and "--email-verified" in r.stdout
