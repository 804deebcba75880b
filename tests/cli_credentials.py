"""verifydesk-cli credentials set|show|check|remove, and verify finding its key pair in the
keyring — each case against a real gnome-keyring on a private D-Bus session of its own
(run from test-cli.py)."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

KEY_ID = "LTAI5tCliKeyringTest01"
KEY_SECRET = "CliKeyringSecret0123456789abXY"
KEY_TOKEN = "CAIS+CliKeyringToken/0123456789=="


class PrivateKeyring:
    """A dbus-daemon and a gnome-keyring-daemon of their own, in a temporary folder that also
    holds the XDG data, config, cache and runtime folders and the VerifyDesk data folder of
    every command run in it. Neither daemon sees a display, so a locked keyring fails instead
    of prompting; no case touches the developer's keyring or races with the cases that expect
    no AccessKey at all."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="verifydesk-cli-keyring-")
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
        for variable, name in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                               ("XDG_CACHE_HOME", "cache"), ("XDG_RUNTIME_DIR", "runtime")):
            path = os.path.join(self.folder, name)
            os.makedirs(path, mode=0o700)
            env[variable] = path
        env["VERIFYDESK_DATA_DIR"] = os.path.join(self.folder, "data", "verifydesk")
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                     "--print-address=1"],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    text=True)
        env["DBUS_SESSION_BUS_ADDRESS"] = self.bus.stdout.readline().strip()
        self.daemon = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock",
                                        "--components=secrets"],
                                       env=env, stdin=subprocess.PIPE,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.daemon.stdin.write(b"verifydesk-test-keyring")
        self.daemon.stdin.close()
        self.env = env
        for _ in range(200):
            if self.gdbus("org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus.NameHasOwner",
                          "org.freedesktop.secrets").strip() == "(true,)":
                break
            time.sleep(0.05)
        else:
            self.close()
            raise AssertionError("gnome-keyring-daemon did not come up on the private bus")

    def gdbus(self, destination, path, method, *args):
        result = subprocess.run(["gdbus", "call", "--session", "--dest", destination,
                                 "--object-path", path, "--method", method, *args],
                                env=self.env, capture_output=True, text=True, timeout=10)
        return result.stdout

    def lock(self):
        out = self.gdbus("org.freedesktop.secrets", "/org/freedesktop/secrets",
                         "org.freedesktop.Secret.Service.Lock",
                         "['/org/freedesktop/secrets/collection/login']")
        assert "collection/login" in out, out

    def close(self):
        for process in (self.daemon, self.bus):
            process.terminate()
            process.wait(timeout=10)
        self.bus.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Simulator:
    """`verifydesk-cli simulator` accepting only the given key pair."""

    def __init__(self, cli, key_id=KEY_ID, secret=KEY_SECRET):
        env = dict(os.environ, ALIBABA_CLOUD_ACCESS_KEY_ID=key_id,
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret)
        self.server = subprocess.Popen([cli, "simulator"], env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
        self.url = self.server.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", self.url), self.url

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.send_signal(signal.SIGTERM)
        self.server.communicate(timeout=10)


def credentials_checks(tap, cli, demo):
    def run(keyring, *args, stdin=None, env=None, timeout=30):
        full_env = dict(keyring.env)
        full_env.update(env or {})
        return subprocess.run([cli, *args], env=full_env, input=stdin, capture_output=True,
                              text=True, timeout=timeout)

    def store(keyring, secret=KEY_SECRET):
        result = run(keyring, "credentials", "set", KEY_ID, stdin=secret + "\n")
        assert result.returncode == 0, result

    def set_reads_stdin():
        with PrivateKeyring() as keyring:
            process = subprocess.Popen([cli, "credentials", "set", KEY_ID], env=keyring.env,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
            # While it waits for the secret, what another user can read does not hold it.
            time.sleep(0.2)
            with open(f"/proc/{process.pid}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{process.pid}/environ", "rb") as f:
                environ = f.read()
            assert KEY_ID.encode() in cmdline, cmdline
            out, err = process.communicate(KEY_SECRET + "\n", timeout=30)
            assert process.returncode == 0, (out, err)
            assert KEY_SECRET.encode() not in cmdline and KEY_SECRET.encode() not in environ
            assert "Stored the AccessKey LTAI" in out, out
            assert KEY_SECRET not in out + err

    tap.check("credentials set reads the secret from stdin, never from the argument list",
              set_reads_stdin)

    def show_masks():
        with PrivateKeyring() as keyring:
            store(keyring, f"  {KEY_SECRET}  \r")
            shown = run(keyring, "credentials", "show")
            assert shown.returncode == 0, shown
            assert KEY_SECRET not in shown.stdout + shown.stderr
            assert re.search(rf"AccessKey ID: +{KEY_ID}\n", shown.stdout), shown.stdout
            assert re.search(r"Secret: +\*{28}XY \(30 characters\)\n", shown.stdout), shown.stdout
            assert re.search(r"STS token: +none\n", shown.stdout), shown.stdout

    tap.check("credentials show prints the ID and only the secret's length and last two",
              show_masks)

    def set_with_token():
        with PrivateKeyring() as keyring:
            stored = run(keyring, "credentials", "set", "--with-sts-token", KEY_ID,
                         stdin=f"{KEY_SECRET}\n{KEY_TOKEN}\n")
            assert stored.returncode == 0, stored
            assert "with its STS token" in stored.stdout, stored.stdout
            shown = run(keyring, "credentials", "show")
            assert re.search(rf"STS token: +stored \({len(KEY_TOKEN)} characters\)",
                             shown.stdout), shown.stdout
            assert KEY_TOKEN not in shown.stdout and KEY_SECRET not in shown.stdout
            # A second line without --with-sts-token is refused, not dropped.
            refused = run(keyring, "credentials", "set", KEY_ID,
                          stdin=f"{KEY_SECRET}\n{KEY_TOKEN}\n")
            assert refused.returncode == 2 and "--with-sts-token" in refused.stderr, refused
            assert KEY_TOKEN not in refused.stderr

    tap.check("credentials set --with-sts-token keeps the token from the second line",
              set_with_token)

    def secret_as_argument_refused():
        with PrivateKeyring() as keyring:
            result = run(keyring, "credentials", "set", KEY_ID, KEY_SECRET, stdin="")
            assert result.returncode == 2, result
            assert "never taken as an argument" in result.stderr, result.stderr
            assert KEY_SECRET not in result.stderr + result.stdout
            assert run(keyring, "credentials", "show").returncode == 1
            spaced = run(keyring, "credentials", "set", KEY_ID, stdin="two words\n")
            assert spaced.returncode == 2 and "space" in spaced.stderr, spaced
            assert "two words" not in spaced.stderr

    tap.check("a secret given as an argument or with a space in it is refused, unquoted",
              secret_as_argument_refused)

    def check_exit_codes():
        with PrivateKeyring() as keyring, Simulator(cli) as simulator:
            store(keyring)
            good = run(keyring, "credentials", "check", "--endpoint", simulator.url)
            assert good.returncode == 0, good
            assert "from the keyring" in good.stdout and "works" in good.stdout, good.stdout
            good_v1 = run(keyring, "credentials", "check", "--signature", "v1",
                          "--endpoint", simulator.url)
            assert good_v1.returncode == 0, good_v1
            assert run(keyring, "credentials", "check", "--training").returncode == 0

            store(keyring, "NotTheRightSecret0123456789")
            rejected = run(keyring, "credentials", "check", "--endpoint", simulator.url)
            assert rejected.returncode == 1, rejected
            assert "secret" in rejected.stdout, rejected.stdout
            assert "NotTheRightSecret" not in rejected.stdout + rejected.stderr
            url = simulator.url
        # The simulator has stopped: nothing listens on its port any more.
        with PrivateKeyring() as keyring:
            store(keyring)
            unchecked = run(keyring, "credentials", "check", "--endpoint", url)
            assert unchecked.returncode == 2, unchecked
            assert "could not be checked" in unchecked.stdout, unchecked.stdout
            bad_flag = run(keyring, "credentials", "check", "--signature", "v2")
            assert bad_flag.returncode == 2 and "v3 or v1" in bad_flag.stderr, bad_flag

    tap.check("credentials check exits 0 for good keys, 1 for rejected, 2 when unchecked",
              check_exit_codes)

    def remove():
        with PrivateKeyring() as keyring:
            store(keyring)
            removed = run(keyring, "credentials", "remove")
            assert removed.returncode == 0 and "Removed the AccessKey" in removed.stdout, removed
            shown = run(keyring, "credentials", "show")
            assert shown.returncode == 1 and "no AccessKey is stored" in shown.stderr, shown
            again = run(keyring, "credentials", "remove")
            assert again.returncode == 0 and "No AccessKey was stored" in again.stdout, again

    tap.check("credentials remove empties the keyring, and says when there was nothing",
              remove)

    def verify_uses_keyring_and_leaks_nothing():
        with PrivateKeyring() as keyring, Simulator(cli) as simulator:
            logs = []

            def logged(*args, stdin=None, debug=True):
                # GLib prints debug messages to stdout: the JSON run goes without them.
                result = run(keyring, *args, stdin=stdin,
                             env={"G_MESSAGES_DEBUG": "all" if debug else ""})
                logs.append(result.stdout + result.stderr)
                return result

            assert logged("credentials", "set", KEY_ID, stdin=KEY_SECRET + "\n").returncode == 0
            assert logged("credentials", "show").returncode == 0
            assert logged("credentials", "check", "--endpoint", simulator.url).returncode == 0
            verified = logged("verify", "--json", "--endpoint", simulator.url, *demo,
                              debug=False)
            assert verified.returncode == 0, verified
            answer = json.loads(verified.stdout)
            assert answer["outcome"] == "passed" and answer["training"] is False, answer
            assert logged("verify", "--endpoint", simulator.url, *demo).returncode == 0
            v1 = logged("verify", "--signature", "v1", "--endpoint", simulator.url, *demo)
            assert v1.returncode == 0, v1

            keyring_file = os.path.join(keyring.env["XDG_DATA_HOME"], "keyrings",
                                        "login.keyring")
            assert os.path.getsize(keyring_file) > 0
            needle = KEY_SECRET.encode()
            searched = 0
            for root, _, files in os.walk(keyring.folder):
                for name in files:
                    path = os.path.join(root, name)
                    if os.path.islink(path) or not os.path.isfile(path):
                        continue
                    with open(path, "rb") as f:
                        assert needle not in f.read(), f"the secret is in {path}"
                    searched += 1
            assert searched >= 2, searched
            assert any("DEBUG" in log for log in logs), "no debug log was captured"
            for log in logs:
                assert KEY_SECRET not in log, log

    tap.check("verify uses the keyring's key pair, and the secret is in no file and no log",
              verify_uses_keyring_and_leaks_nothing)

    def environment_wins():
        with PrivateKeyring() as keyring, Simulator(cli) as simulator:
            store(keyring)
            result = run(keyring, "verify", "--json", "--endpoint", simulator.url, *demo,
                         env={"ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID,
                              "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "EnvironmentWins0123"})
            assert result.returncode == 2, result
            assert json.loads(result.stdout)["code"] == "SignatureDoesNotMatch"
            shown = run(keyring, "credentials", "show",
                        env={"ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID})
            assert "verify uses the environment" in shown.stdout, shown.stdout

    tap.check("the environment's key pair goes before the keyring's, and show says so",
              environment_wins)

    def keyring_absent():
        nowhere = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/verifydesk-no-bus"}
        with PrivateKeyring() as keyring:
            shown = run(keyring, "credentials", "show", env=nowhere)
            assert shown.returncode == 2, shown
            assert "No keyring is available: " in shown.stderr, shown.stderr
            stored = run(keyring, "credentials", "set", KEY_ID, stdin=KEY_SECRET + "\n",
                         env=nowhere)
            assert stored.returncode == 2 and "No keyring is available" in stored.stderr, stored
            assert KEY_SECRET not in stored.stderr
            verified = run(keyring, "verify", "--json", *demo, env=nowhere)
            assert verified.returncode == 2, verified
            message = json.loads(verified.stdout)["message"]
            assert "No keyring is available" in message, message
            assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in message, message
            assert run(keyring, "verify", "--training", *demo, env=nowhere).returncode == 0

    tap.check("without a keyring every command says so, and training mode still works",
              keyring_absent)

    def keyring_locked():
        with PrivateKeyring() as keyring:
            store(keyring)
            keyring.lock()
            start = time.monotonic()
            shown = run(keyring, "credentials", "show")
            assert time.monotonic() - start < 5
            assert shown.returncode == 2, shown
            assert "The keyring is locked: " in shown.stderr, shown.stderr
            verified = run(keyring, "verify", "--json", *demo)
            assert verified.returncode == 2, verified
            assert "locked" in json.loads(verified.stdout)["message"], verified.stdout
            removed = run(keyring, "credentials", "remove")
            assert removed.returncode == 2 and "locked" in removed.stderr, removed

    tap.check("a locked keyring is reported as locked, without a prompt", keyring_locked)
