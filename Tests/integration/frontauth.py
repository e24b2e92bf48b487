"""A stand-in for a front authenticator in front of latch: nginx passes the X-Front-User
request header as REMOTE_USER (a real deployment sets it from auth_request or auth_basic) and,
when given the secret, the LATCH_FRONT_SECRET parameter latch needs before it believes it."""
import os
import secrets
import subprocess
import tempfile


def front_secret_file():
    """A secret as `openssl rand -hex 32` makes it, in a file only its owner reads: (path, secret)."""
    secret = secrets.token_hex(32)
    fd, path = tempfile.mkstemp(prefix="latch-front-secret-")
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
    return path, secret


def pass_front_user_as_remote_user(stack, secret=None):
    """Rewrites the stack's nginx to pass X-Front-User as REMOTE_USER (and the front secret when
    given), marks its responses so the test knows the restart took effect, and restarts nginx."""
    conf = os.path.join(stack.dir, "nginx", "conf")
    with open(os.path.join(conf, "latch-fastcgi-params.conf"), "a") as f:
        f.write("fastcgi_param  REMOTE_USER  $http_x_front_user;\nadd_header X-Test-Front-Authenticator on;\n")
        if secret:
            f.write(f'fastcgi_param  LATCH_FRONT_SECRET  "{secret}";\n')
    # Restart rather than reload: after a reload, old workers may still answer for a moment.
    nginx = ["nginx", "-p", os.path.join(stack.dir, "nginx"), "-c", os.path.join(conf, "nginx.conf")]
    with open(os.path.join(stack.dir, "nginx", "nginx.pid")) as f:
        master = int(f.read().strip())
    subprocess.run(nginx + ["-s", "quit"], check=True, capture_output=True)
    assert stack.wait_until(lambda: not os.path.exists(f"/proc/{master}"), timeout=20)
    subprocess.run(nginx, check=True, capture_output=True)
    assert stack.wait_until(lambda: "X-Test-Front-Authenticator" in stack.get("/login").headers, timeout=20)


def trusting_stack(make_stack):
    """A stack with LATCH_TRUST_REMOTE_USER=true and its front secret, nginx sending both."""
    path, secret = front_secret_file()
    s = make_stack({"LATCH_TRUST_REMOTE_USER": "true", "LATCH_FRONT_SECRET_FILE": path})
    pass_front_user_as_remote_user(s, secret)
    s.front_secret = secret
    return s
