"""What the real-browser tests share: headless Chromium driven by Selenium, kept on loopback
(its proxy is a closed local port, bypassed only for 127.0.0.1 and localhost), and a tiny
local redirect target that records what reaches it."""
import http.server
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from authflow import query_of
from latchstack import free_port


class Callback:
    """A tiny local redirect target on 127.0.0.1 recording what reaches it. It also serves
    /frame?src=…, a page that tries to put another page in an iframe."""

    def __init__(self):
        self.received = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path.startswith("/frame?"):
                    src = query_of(self.path)["src"]
                    body = f'<!DOCTYPE html><title>framer</title><iframe id="f" src="{src}"></iframe>'.encode()
                else:
                    outer.received.append(self.path)
                    body = b"<!DOCTYPE html><title>callback</title><p>received</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count, timeout=15):
        deadline = time.time() + timeout
        while len(self.received) < count and time.time() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, "the browser did not reach the callback"
        return query_of(self.received[count - 1])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def chrome(window_size="1000,900"):
    """A headless Chromium that can reach only loopback, with browser and network logs kept."""
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={window_size}",
                     f"--proxy-server=http://127.0.0.1:{free_port()}", "--proxy-bypass-list=127.0.0.1;localhost"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def wait_for_title(driver, text):
    WebDriverWait(driver, 15).until(expected_conditions.title_contains(text))


def fill_sign_in(driver, username, password):
    """On the sign-in page: type the credentials and submit."""
    wait_for_title(driver, "Sign in")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
