#!/usr/bin/env python3
"""verifydesk-cli verify against every fault an operator can meet: no listener, a name that does
not resolve, an untrusted certificate, an answer dripping past the read timeout, a connection
cut mid-answer, 5xx, bursts of throttling, a 50 MB body, invalid UTF-8, a VerifyStatus outside
the table, the keyring daemon dying and a read-only history. Each case checks the exit status,
what the operator reads, and the history: a verification that was sent is always recorded, and
one that cannot be recorded is not sent."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402
from cli_credentials import PrivateKeyring, Simulator, KEY_ID, KEY_SECRET  # noqa: E402

CLI = os.environ["VERIFYDESK_CLI"]
BUILD_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(CLI)))
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
# A self-signed certificate for 127.0.0.1 that nothing trusts (a test fixture).
CERTIFICATE = os.path.join(DATA, "untrusted-cert.pem")
CERTIFICATE_KEY = os.path.join(DATA, "untrusted-key.pem")
TRAINING_PAIR = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tVDTrainingDesk0001",
                 "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "VerifyDeskTrainingSecretNotForRealUse01"}
DEMO = ["--name", "张三", "--id-number", "11010519491231002X",
        "--face-url", "https://example.com/face.jpg"]
# No session bus: the history's ID-number key goes to a file beside it, and no keyring is used.
NO_BUS = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/vd-test-cli-faults-bus"}
NOBODY = 65534

SCRATCH = tempfile.mkdtemp(prefix="vd-test-cli-faults-")


def new_data_dir():
    return tempfile.mkdtemp(dir=SCRATCH)


def run(*args, data_dir, env=None, timeout=60, prefix=()):
    full_env = dict(os.environ, VERIFYDESK_DATA_DIR=data_dir, **NO_BUS)
    full_env.update(TRAINING_PAIR)
    full_env.update(env or {})
    start = time.monotonic()
    result = subprocess.run([*prefix, CLI, *args], env=full_env, capture_output=True, text=True,
                            timeout=timeout)
    result.elapsed = time.monotonic() - start
    return result


def records(data_dir, env=None):
    listed = run("history", "list", "--json", data_dir=data_dir, env=env)
    assert listed.returncode == 0, listed
    return json.loads(listed.stdout)


class FaultySimulator:
    """`verifydesk-cli simulator` playing the given faults on its next requests, over HTTPS
    with the untrusted certificate when asked."""

    def __init__(self, *faults, tls=False):
        args = [CLI, "simulator"]
        for fault in faults:
            args += ["--fault", fault]
        if tls:
            args += ["--tls-certificate", CERTIFICATE, "--tls-key", CERTIFICATE_KEY]
        self.server = subprocess.Popen(args, env=dict(os.environ, **TRAINING_PAIR),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.server.stdout.readline().strip()
        scheme = "https" if tls else "http"
        assert re.fullmatch(scheme + r"://127\.0\.0\.1:\d+/", self.url), self.url

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.send_signal(signal.SIGTERM)
        self.server.communicate(timeout=10)


class Listener:
    """A port on 127.0.0.1 that listens and never answers: it tells whether anything tried to
    connect."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.url = "http://127.0.0.1:%d/" % self.socket.getsockname()[1]

    def was_contacted(self):
        self.socket.setblocking(False)
        try:
            connection, _ = self.socket.accept()
        except BlockingIOError:
            return False
        connection.close()
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.socket.close()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def verify_json(endpoint, data_dir, **kwargs):
    result = run("verify", "--json", "--endpoint", endpoint, *DEMO, data_dir=data_dir, **kwargs)
    return result, json.loads(result.stdout)


def only_record(data_dir, answer):
    """The one record of this verification: finished, under its BizId."""
    rows = records(data_dir)
    assert len(rows) == 1, rows
    assert rows[0]["biz_id"] == answer["biz_id"], (rows[0], answer)
    assert rows[0]["state"] == "finished", rows[0]
    return rows[0]


def main():
    tap = Tap()

    def connection_refused():
        data_dir = new_data_dir()
        endpoint = "http://127.0.0.1:%d/" % closed_port()
        text = run("verify", "--endpoint", endpoint, *DEMO, data_dir=data_dir)
        assert text.returncode == 2, text
        assert text.stdout.startswith("Error — 张三\n"), text.stdout
        assert ("  The service address refused the connection: nothing is listening there, so "
                "nothing was sent.\n") in text.stdout, text.stdout
        assert "  Details: 127.0.0.1 refused the connection (3 attempts)" in text.stdout, text.stdout
        assert ("  Next step: Check the service address and port in Preferences, then submit "
                "again.\n") in text.stdout, text.stdout
        result, answer = verify_json(endpoint, data_dir)
        assert result.returncode == 2 and answer["outcome"] == "error", answer
        assert answer["can_resubmit"] is True and answer["attempts"] == 3, answer
        rows = records(data_dir)
        assert [row["outcome"] for row in rows] == ["error", "error"], rows
        assert "refused the connection" in rows[0]["message"], rows[0]

    tap.check("connection refused: an error that names the address, and a record", connection_refused)

    def name_not_resolved():
        data_dir = new_data_dir()
        result, answer = verify_json("https://verifydesk-fault-test.invalid/", data_dir,
                                     timeout=30)
        assert result.elapsed < 20, result.elapsed
        assert result.returncode == 2, result
        assert answer["outcome"] == "error", answer
        assert answer["explanation"] == ("The service's name cannot be found on this network "
                                         "(no DNS answer), so nothing was sent."), answer
        assert answer["next_step"] == ("Check the network connection and the service address in "
                                       "Preferences, then submit again."), answer
        assert answer["message"].startswith(
            "The name verifydesk-fault-test.invalid cannot be found ("), answer
        assert only_record(data_dir, answer)["outcome"] == "error"

    tap.check("a name that does not resolve: said so within seconds, and recorded",
              name_not_resolved)

    def untrusted_certificate():
        data_dir = new_data_dir()
        with FaultySimulator(tls=True) as simulator:
            text = run("verify", "--endpoint", simulator.url, *DEMO, data_dir=data_dir)
            result, answer = verify_json(simulator.url, data_dir)
        assert text.returncode == 2, text
        assert "  The service's certificate is not trusted: nothing was sent.\n" in text.stdout
        assert ("  Details: The certificate of 127.0.0.1 is not trusted: it is not signed by a "
                "known certificate authority. Nothing was sent.") in text.stdout, text.stdout
        assert ("  Next step: Do not continue on this network; tell your administrator.\n"
                in text.stdout), text.stdout
        assert "RequestId" not in text.stdout and "VerifyToken" not in text.stdout, text.stdout
        # Never accepted: no answer, no status, and not offered again.
        assert result.returncode == 2, result
        assert answer["outcome"] == "error" and answer["status"] is None, answer
        assert answer["request_id"] is None and answer["can_resubmit"] is False, answer
        rows = records(data_dir)
        assert [row["outcome"] for row in rows] == ["error", "error"], rows
        assert "not trusted" in rows[0]["message"], rows[0]

    tap.check("an untrusted certificate is refused with a clear message, and recorded",
              untrusted_certificate)

    def drip_past_read_timeout():
        data_dir = new_data_dir()
        with FaultySimulator("drip:200") as simulator:
            result, answer = verify_json(simulator.url, data_dir)
        # The default read timeout is 10 s: the answer would take minutes at this pace.
        assert 9 < result.elapsed < 30, result.elapsed
        assert result.returncode == 2, result
        assert answer["outcome"] == "unknown" and answer["title"] == "Outcome unknown", answer
        assert re.search(r"^The request was sent at \d\d:\d\d:\d\d, no answer within 10 s\.",
                         answer["message"]), answer
        assert answer["next_step"] == ("Resubmit the same task: the service treats it as the "
                                       "same verification."), answer
        assert answer["can_resubmit"] is True and answer["attempts"] == 1, answer
        assert only_record(data_dir, answer)["outcome"] == "unknown"

    tap.check("an answer dripping past the read timeout: outcome unknown, recorded",
              drip_past_read_timeout)

    def reset_mid_answer():
        data_dir = new_data_dir()
        with FaultySimulator("reset-mid-answer:20") as simulator:
            text = run("verify", "--endpoint", simulator.url, *DEMO, data_dir=data_dir)
        assert text.returncode == 2, text
        assert text.stdout.startswith("Outcome unknown — 张三\n"), text.stdout
        assert re.search(r"  Details: The request was sent at \d\d:\d\d:\d\d, then the connection "
                         r"to http://127\.0\.0\.1:\d+/ was lost before the answer", text.stdout), \
            text.stdout
        assert "resubmit with the same BizId" in text.stdout, text.stdout
        row = records(data_dir)[0]
        assert row["state"] == "finished" and row["outcome"] == "unknown", row

    tap.check("a connection reset mid-answer: outcome unknown, recorded", reset_mid_answer)

    def server_errors():
        data_dir = new_data_dir()
        with FaultySimulator("server-error:503", "server-error:500", "server-error:503") as sim:
            result, answer = verify_json(sim.url, data_dir)
        assert result.returncode == 2, result
        assert answer["outcome"] == "error" and answer["code"] == "ServiceUnavailable", answer
        assert answer["explanation"] == ("The service had a problem of its own "
                                         "(ServiceUnavailable)."), answer
        assert answer["next_step"] == "Resubmit the same task in a few minutes.", answer
        assert answer["can_resubmit"] is True and answer["attempts"] == 3, answer
        row = only_record(data_dir, answer)
        assert row["outcome"] == "error" and row["code"] == "ServiceUnavailable", row

    tap.check("5xx on every attempt: a service problem to resubmit later, recorded",
              server_errors)

    def server_error_then_answer():
        data_dir = new_data_dir()
        with FaultySimulator("server-error:500") as simulator:
            result, answer = verify_json(simulator.url, data_dir)
        assert result.returncode == 0, result
        assert answer["outcome"] == "passed" and answer["attempts"] == 2, answer
        assert only_record(data_dir, answer)["outcome"] == "passed"

    tap.check("one 5xx is retried and the verdict comes", server_error_then_answer)

    def throttling_burst():
        data_dir = new_data_dir()
        with FaultySimulator(*["throttling:1500"] * 3) as simulator:
            text = run("verify", "--endpoint", simulator.url, *DEMO, data_dir=data_dir)
        assert text.returncode == 2, text
        assert ("  The service is receiving too many requests and turned this one away "
                "(Throttling.User).\n") in text.stdout, text.stdout
        assert "  Next step: Wait 2 seconds, then resubmit the same task.\n" in text.stdout, \
            text.stdout
        # Each retry waited as long as the service asked.
        assert text.elapsed >= 3, text.elapsed
        row = records(data_dir)[0]
        assert row["outcome"] == "error" and row["code"] == "Throttling.User", row

    tap.check("a burst of throttling past every retry: wait and resubmit, recorded",
              throttling_burst)

    def throttling_then_answer():
        data_dir = new_data_dir()
        with FaultySimulator("throttling:200", "throttling:200") as simulator:
            result, answer = verify_json(simulator.url, data_dir)
        assert result.returncode == 0, result
        assert answer["outcome"] == "passed" and answer["attempts"] == 3, answer
        assert only_record(data_dir, answer)["outcome"] == "passed"

    tap.check("a short burst of throttling is waited out", throttling_then_answer)

    def fifty_megabytes():
        data_dir = new_data_dir()
        with FaultySimulator("oversized:%d" % (50 * 1024 * 1024)) as simulator:
            result, answer = verify_json(simulator.url, data_dir)
        assert result.elapsed < 20, result.elapsed
        assert result.returncode == 2, result
        assert answer["outcome"] == "unknown", answer
        assert answer["explanation"] == (
            "The request was sent, but the answer cannot be used: The answer is larger than "
            "1024 KiB, far more than any real answer, so reading stopped. The request was sent: "
            "its outcome is unknown."), answer
        assert only_record(data_dir, answer)["outcome"] == "unknown"

    tap.check("a 50 MB body: reading stops at the cap, outcome unknown, recorded",
              fifty_megabytes)

    def invalid_utf8():
        data_dir = new_data_dir()
        with FaultySimulator("bad-utf8") as simulator:
            result, answer = verify_json(simulator.url, data_dir)
        assert result.returncode == 2, result
        assert answer["outcome"] == "unknown", answer
        assert re.fullmatch(r"The answer is not valid UTF-8 text \(at byte \d+\)\.",
                            answer["message"]), answer
        assert answer["can_resubmit"] is True, answer
        json.dumps(answer, ensure_ascii=False).encode("utf-8")
        assert only_record(data_dir, answer)["outcome"] == "unknown"

    tap.check("invalid UTF-8 in the answer: outcome unknown, nothing garbled, recorded",
              invalid_utf8)

    def status_outside_table():
        data_dir = new_data_dir()
        with FaultySimulator("status:42") as simulator:
            text = run("verify", "--endpoint", simulator.url, *DEMO, data_dir=data_dir)
        assert text.returncode == 1, text
        assert text.stdout.startswith("Unknown status — 张三\n"), text.stdout
        assert "  VerifyStatus 42: Unknown verification status 42:" in text.stdout, text.stdout
        assert "Do not treat it as passed." in text.stdout, text.stdout
        assert ("  Next step: Do not proceed: ask a supervisor, and check whether a newer version "
                "of VerifyDesk is available.\n") in text.stdout, text.stdout
        row = records(data_dir)[0]
        assert row["outcome"] == "not_passed" and row["status"] == 42, row

    tap.check("a VerifyStatus outside the table is never a pass, and is recorded",
              status_outside_table)

    def keyring_daemon_dies():
        with PrivateKeyring() as keyring, Simulator(CLI) as simulator:
            env = dict(keyring.env, ALIBABA_CLOUD_ACCESS_KEY_ID="",
                       ALIBABA_CLOUD_ACCESS_KEY_SECRET="")
            stored = subprocess.run([CLI, "credentials", "set", KEY_ID], input=KEY_SECRET + "\n",
                                    env=env, capture_output=True, text=True, timeout=30)
            assert stored.returncode == 0, stored
            before = subprocess.run([CLI, "verify", "--json", "--endpoint", simulator.url, *DEMO],
                                    env=env, capture_output=True, text=True, timeout=30)
            assert before.returncode == 0, before

            keyring.daemon.kill()
            keyring.daemon.wait(timeout=10)

            start = time.monotonic()
            checked = subprocess.run([CLI, "credentials", "check"], env=env,
                                     capture_output=True, text=True, timeout=30)
            assert time.monotonic() - start < 10
            assert checked.returncode == 2, checked
            assert checked.stderr == ("verifydesk-cli: The keyring is locked: unlock it with your "
                                      "login password (for example in Passwords and Keys), then "
                                      "try again.\n"), checked.stderr
            after = subprocess.run([CLI, "verify", "--json", "--endpoint", simulator.url, *DEMO],
                                   env=env, capture_output=True, text=True, timeout=30)
            assert after.returncode == 2, after
            answer = json.loads(after.stdout)
            assert answer["outcome"] == "error" and answer["attempts"] == 0, answer
            assert answer["explanation"].startswith("The keyring is locked: "), answer
            assert KEY_SECRET not in after.stdout + after.stderr + checked.stderr
            # Nothing was sent, so only the first verification is in the history.
            listed = subprocess.run([CLI, "history", "list", "--json"], env=env,
                                    capture_output=True, text=True, timeout=30)
            assert listed.returncode == 0, listed
            rows = json.loads(listed.stdout)
            assert [row["outcome"] for row in rows] == ["passed"], rows

    tap.check("the keyring daemon dying: check and verify say the keyring is locked, nothing sent",
              keyring_daemon_dies)

    def read_only_history():
        data_dir = new_data_dir()
        first = run("verify", "--training", *DEMO, data_dir=data_dir)
        assert first.returncode == 0, first
        database = os.path.join(data_dir, "history.db")
        os.chmod(database, 0o400)
        # Root writes through permission bits: the CLI then runs as nobody, which the bits bind,
        # in a folder it may write but with the history file still root's and read-only.
        prefix = ()
        if os.geteuid() == 0:
            os.chmod(SCRATCH, 0o755)
            for path in (data_dir, *(os.path.join(data_dir, name) for name in os.listdir(data_dir)
                                     if name != "history.db")):
                os.chown(path, NOBODY, NOBODY)
            prefix = ("setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups")
        with Listener() as listener:
            result = run("verify", "--endpoint", listener.url, *DEMO, data_dir=data_dir,
                         prefix=prefix)
            assert not listener.was_contacted(), "the request left without a record"
        assert result.returncode == 2, result
        assert result.stdout == "", result.stdout
        assert result.stderr == (
            "verifydesk-cli: not sent: the history cannot be opened: The history file %s cannot "
            "be opened for writing (Permission denied). Check its permissions and the free space "
            "on its disk.\n" % database), result.stderr
        assert os.stat(database).st_mode & 0o777 == 0o400
        os.chmod(database, 0o600)
        rows = records(data_dir)
        assert [row["outcome"] for row in rows] == ["passed"], rows

    tap.check("a read-only history: not sent, and the message says which file and what to do",
              read_only_history)

    def chinese():
        localedir = os.path.join(BUILD_ROOT, "po")
        env = {"LC_ALL": "C.UTF-8", "LANGUAGE": "zh_CN", "VERIFYDESK_LOCALEDIR": localedir}
        data_dir = new_data_dir()
        refused = run("verify", "--endpoint", "http://127.0.0.1:%d/" % closed_port(), *DEMO,
                      data_dir=data_dir, env=env)
        assert refused.returncode == 2, refused
        assert "服务地址拒绝了连接" in refused.stdout, refused.stdout
        with FaultySimulator(tls=True) as simulator:
            untrusted = run("verify", "--endpoint", simulator.url, *DEMO, data_dir=data_dir,
                            env=env)
        assert untrusted.returncode == 2, untrusted
        assert "证书不受信任" in untrusted.stdout, untrusted.stdout

    tap.check("the fault messages are in Chinese under LANGUAGE=zh_CN", chinese)

    return tap.finish()


if __name__ == "__main__":
    try:
        status = main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    sys.exit(status)
