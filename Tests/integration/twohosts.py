"""Two latch hosts sharing one database, built from Linux network namespaces.

The test creates two namespaces ("host A", "host B"), each joined to the root namespace by
its own veth pair on a private /30 that exists only inside this machine. PostgreSQL (in the
root namespace) also listens on the root ends; each host runs all four executables bound to
its own address; an nginx in the root namespace on 127.0.0.1 routes to them.
"""
import os
import random
import signal
import subprocess
import time

from latchstack import BIN, EXECUTABLES, Endpoint, free_port


def sh(*cmd, check=True):
    r = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr}")
    return r


class Host:
    def __init__(self, name, subnet, index):
        self.name = name
        self.ns = f"latch{name}{random.randint(1000, 9999)}"
        self.outer = f"lv{name.lower()}{self.ns[-4:]}o"
        self.inner = f"lv{name.lower()}{self.ns[-4:]}i"
        self.root_ip = f"10.{subnet}.{index}.1"
        self.ip = f"10.{subnet}.{index}.2"
        self.ports = {exe: 9100 + i for i, exe in enumerate(EXECUTABLES)}
        self.processes = {}

    def create(self):
        sh("ip", "netns", "add", self.ns)
        sh("ip", "link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
        sh("ip", "link", "set", self.inner, "netns", self.ns)
        sh("ip", "addr", "add", f"{self.root_ip}/30", "dev", self.outer)
        sh("ip", "link", "set", self.outer, "up")
        sh("ip", "netns", "exec", self.ns, "ip", "addr", "add", f"{self.ip}/30", "dev", self.inner)
        sh("ip", "netns", "exec", self.ns, "ip", "link", "set", self.inner, "up")
        sh("ip", "netns", "exec", self.ns, "ip", "link", "set", "lo", "up")

    def start(self, env, log_dir):
        for exe, port in self.ports.items():
            log = open(os.path.join(log_dir, f"{self.name}-{exe}.log"), "ab")
            self.processes[exe] = subprocess.Popen(
                ["ip", "netns", "exec", self.ns, os.path.join(BIN, exe), "--listen", f"{self.ip}:{port}",
                 "--allow", self.root_ip, "--workers", "2"],
                env=env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.time() + 15
        for exe, port in self.ports.items():
            while time.time() < deadline:
                if sh("ip", "netns", "exec", self.ns, "ss", "-ltn", f"sport = :{port}", check=False).stdout.count("LISTEN"):
                    break
                time.sleep(0.1)

    def kill(self):
        """Kills every process of this host at once (SIGKILL), as if the machine died."""
        for p in self.processes.values():
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for p in self.processes.values():
            p.wait(timeout=10)
        self.processes = {}

    def destroy(self):
        self.kill()
        sh("ip", "netns", "del", self.ns, check=False)
        sh("ip", "link", "del", self.outer, check=False)


class TwoHosts:
    """Host A serves authorize (and is primary for everything); host B serves tokens and is
    the backup for everything else, so that killing A leaves the whole flow on B."""

    def __init__(self, stack):
        self.stack = stack
        subnet = random.randint(100, 250)
        self.a = Host("A", subnet, 4)
        self.b = Host("B", subnet, 8)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.dir = os.path.join(stack.dir, "twohosts")

    def up(self):
        try:
            return self._up()
        except BaseException:
            self.down()
            raise

    def _up(self):
        os.makedirs(self.dir, exist_ok=True)
        for h in (self.a, self.b):
            h.create()
        s = self.stack
        s.listen_addresses = f"127.0.0.1,{self.a.root_ip},{self.b.root_ip}"
        with open(os.path.join(s.dir, "pg", "pg_hba.conf"), "a") as f:
            f.write(f"host all all {self.a.ip}/32 trust\nhost all all {self.b.ip}/32 trust\n")
        s.stop_postgres()
        s.start_postgres()
        for h in (self.a, self.b):
            env = dict(os.environ)
            env.update(s.env)
            env["LATCH_DATABASE_URL"] = f"host={h.root_ip} port={s.pg_port} dbname=latch user=postgres connect_timeout=2"
            env["LATCH_ISSUER"] = self.base_url
            h.start(env, self.dir)
        self._start_nginx()
        return self

    def _start_nginx(self):
        a, b = self.a, self.b
        root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
        conf = os.path.join(self.dir, "conf")
        os.makedirs(conf, exist_ok=True)
        os.makedirs(os.path.join(self.dir, "logs"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        for f in ("latch-locations.conf", "latch-fastcgi-params.conf"):
            with open(os.path.join(root, "deploy", "nginx", f)) as src, open(os.path.join(conf, f), "w") as dst:
                dst.write(src.read())

        def upstream(name, exe, primary, backup):
            return (f"upstream {name} {{ server {primary.ip}:{primary.ports[exe]} max_fails=1 fail_timeout=2s; "
                    f"server {backup.ip}:{backup.ports[exe]} backup; }}\n")

        with open(os.path.join(conf, "latch-upstreams.conf"), "w") as f:
            f.write(upstream("latch_discovery", "latch-discovery", a, b))
            f.write(upstream("latch_authorize", "latch-authorize", a, b))
            f.write(upstream("latch_tokens", "latch-tokens", b, a))
            f.write(upstream("latch_register", "latch-register", a, b))
        tmp = os.path.join(self.dir, "tmp")
        with open(os.path.join(conf, "nginx.conf"), "w") as f:
            f.write(f"""
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {self.dir}/logs/access.log;
    client_body_temp_path {tmp}/body; fastcgi_temp_path {tmp}/fastcgi;
    proxy_temp_path {tmp}/proxy; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    fastcgi_cache_path {self.dir}/cache levels=1 keys_zone=latch_discovery_cache:1m max_size=10m inactive=10m use_temp_path=off;
    fastcgi_connect_timeout 2s;
    fastcgi_next_upstream error timeout;
    include latch-upstreams.conf;
    server {{ listen 127.0.0.1:{self.port}; include latch-locations.conf; }}
}}
""")
        sh("nginx", "-p", self.dir, "-c", os.path.join(conf, "nginx.conf"))

    def down(self):
        sh("nginx", "-p", self.dir, "-c", os.path.join(self.dir, "conf", "nginx.conf"), "-s", "stop", check=False)
        for h in (self.a, self.b):
            h.destroy()


class FrontDoor(Endpoint):
    """The two-host deployment as the flow helpers see a stack: HTTP goes to its nginx,
    latchctl and psql go to the shared database."""

    def __init__(self, hosts):
        self.hosts = hosts
        self.base_url = hosts.base_url

    def __getattr__(self, name):
        return getattr(self.hosts.stack, name)
