#!/usr/bin/env python3
"""The privacy sweep: with a known fake AccessKey stored in a private gnome-keyring, run every
flow of verifydesk-cli — credentials set/show/check, every sample customer in training and
against a simulator that knows that key, an outcome-unknown, a refused key, bad input, history
list (text, JSON, by full number) and CSV exports — then search, as raw bytes, every file under
the run's data, config and cache folders (the history database with its WAL and shared-memory
files, the HMAC key file, the settings, the keyring), every command's stdout and stderr with
G_MESSAGES_DEBUG=all, the CSV exports, and what a network observer saw of the requests:

  - the AccessKey secret in no encoding that could carry it (raw, base64 at any alignment,
    hex, URL-encoded, JSON-escaped, UTF-16);
  - with full ID storage off (the default), no full ID number that was used.

Controls keep the sweep from passing by finding nothing: the same search finds every encoding
of the secret inside larger blobs and finds the secret where it truly is (the simulator's
environment); it finds the masked numbers in the database and its WAL; and with the "keep full
ID numbers" preference on, it finds the full number in the database and the export."""

import base64
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402
from cli_credentials import PrivateKeyring  # noqa: E402

CLI = os.environ["VERIFYDESK_CLI"]
SCHEMA = "io.github.verifydesk.VerifyDesk"
KEY_ID = "LTAI5tPrivacySweep0001"
# '+', '/' and '=' make the URL-encoded, JSON-escaped and base64 forms differ from the raw one.
SECRET = "Pr1vacySweep+Secret/Key=0123456789zZ"
OTHER_SECRET = "SomeoneElsesSecret0123456789ab"
FACE = "https://example.com/face.jpg"
CARDS = ["--front-url", "https://example.com/front.jpg", "--back-url",
         "https://example.com/back.jpg"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def with_check_character(first17):
    """GB 11643's check character, computed here independently of src/core."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


# Plain valid numbers outside the sample table (they pass with a score of their own).
PLAIN = [("张三", with_check_character("11010519491231002")),
         ("钱多多", with_check_character("44030519850612033")),
         ("欧阳娜娜", with_check_character("33010619990101124"))]
# Typed with a wrong check character: refused before anything is sent or recorded.
MISTYPED = PLAIN[0][1][:17] + ("1" if PLAIN[0][1][17] != "1" else "2")
# Used only once the "keep full ID numbers" preference is on.
KEPT = ("冯可欣", with_check_character("51010420010203456"))


def base64_cores(needle):
    """The part of base64 that only @needle's own bytes determine, at each of the three
    alignments it can have inside a larger encoded blob, in both alphabets."""
    cores = []
    for prefix in range(3):
        encoded = base64.b64encode(b"\0" * prefix + needle)
        first = -(-8 * prefix // 6)
        last = 8 * (prefix + len(needle)) // 6
        core = encoded[first:last]
        cores += [core, core.translate(bytes.maketrans(b"+/", b"-_"))]
    return cores


def secret_forms(secret):
    raw = secret.encode()
    forms = {
        "raw": raw,
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
        "url": urllib.parse.quote(secret, safe="").encode(),
        "url-lower": re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(),
                            urllib.parse.quote(secret, safe="")).encode(),
        "url-plus": urllib.parse.quote_plus(secret).encode(),
        "json": json.dumps(secret)[1:-1].replace("/", "\\/").encode(),
        "utf-16": secret.encode("utf-16-le"),
    }
    for i, core in enumerate(base64_cores(raw)):
        forms[f"base64-{i}"] = core
    return forms


def number_forms(number):
    return {"raw": number.encode(), "lower-x": number.lower().encode(),
            "utf-16": number.encode("utf-16-le")}


def found_forms(blob, forms):
    return sorted(name for name, form in forms.items() if form in blob)


class Run:
    """Every command of the sweep in one private keyring session, with its outputs kept."""

    def __init__(self, keyring):
        self.keyring = keyring
        self.logs = []  # (what, bytes)
        self.env = dict(keyring.env, GSETTINGS_BACKEND="keyfile", LC_ALL="C.UTF-8",
                        ALIBABA_CLOUD_ACCESS_KEY_ID="", ALIBABA_CLOUD_ACCESS_KEY_SECRET="",
                        ALIBABA_CLOUD_SECURITY_TOKEN="")
        self.exports = os.path.join(keyring.folder, "exports")
        os.makedirs(self.exports, mode=0o700)

    def cli(self, *args, stdin=None, debug=True, env=None):
        full_env = dict(self.env, G_MESSAGES_DEBUG="all" if debug else "")
        full_env.update(env or {})
        result = subprocess.run([CLI, *args], env=full_env, input=stdin, capture_output=True,
                                timeout=60)
        self.logs.append((" ".join(args[:2]) + " stdout", result.stdout))
        self.logs.append((" ".join(args[:2]) + " stderr", result.stderr))
        return result

    def gsettings(self, *args):
        result = subprocess.run(["gsettings", *args], env=self.env, capture_output=True,
                                text=True, timeout=30)
        assert result.returncode == 0, result
        return result.stdout.strip()

    def files(self):
        """Every regular file under the run's folders: XDG data (the VerifyDesk data folder and
        the keyring inside it), config, cache, runtime, and the exports."""
        for root, _, names in os.walk(self.keyring.folder):
            for name in names:
                path = os.path.join(root, name)
                if os.path.isfile(path) and not os.path.islink(path):
                    with open(path, "rb") as f:
                        yield path, f.read()

    def everything(self):
        yield from self.files()
        yield from self.logs


class SimulatorProcess:
    """`verifydesk-cli simulator` accepting one key pair, with its output kept as a log."""

    def __init__(self, run, key_id, secret):
        env = dict(run.env, ALIBABA_CLOUD_ACCESS_KEY_ID=key_id,
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret, G_MESSAGES_DEBUG="all")
        self.run = run
        self.process = subprocess.Popen([CLI, "simulator"], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.head = b""
        while True:
            line = self.process.stdout.readline()
            assert line, "the simulator ended before printing its URL"
            self.head += line
            match = re.fullmatch(rb"(http://127\.0\.0\.1:\d+/)\n", line)
            if match:
                self.url = match.group(1).decode()
                break

    def environ(self):
        with open(f"/proc/{self.process.pid}/environ", "rb") as f:
            return f.read()

    def stop(self):
        self.process.terminate()
        out, err = self.process.communicate(timeout=10)
        self.run.logs.append(("simulator stdout", self.head + out))
        self.run.logs.append(("simulator stderr", err))


class ResettingGateway:
    """A gateway that reads a whole request and closes the connection without answering: the
    request may have been billed, so the outcome is unknown. It keeps the bytes it received —
    what an observer of the network sees of a request."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(30)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/"
        self.received = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(10)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = connection.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    head, _, body = data.partition(b"\r\n\r\n")
                    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                    while length and len(body) < int(length.group(1)):
                        chunk = connection.recv(65536)
                        if not chunk:
                            break
                        body += chunk
                    data = head + b"\r\n\r\n" + body
                except OSError:
                    pass
                self.received.append(data)

    def close(self):
        self.listener.close()
        self.thread.join(timeout=10)


def samples(run):
    result = run.cli("samples", debug=False)
    assert result.returncode == 0, result
    rows = []
    for line in result.stdout.decode().splitlines():
        parts = line.split()
        if len(parts) >= 2 and re.fullmatch(r"\d{17}[\dX]", parts[1]):
            rows.append((parts[0], parts[1]))
    # The sample table is public training data printed by design: its output is not a log of
    # a customer, so it leaves the logs searched for numbers.
    run.logs = run.logs[:-2]
    assert len(rows) >= 10, rows
    return rows


def run_every_flow(tap, run, customers):
    """Runs the flows; each is also a check, so a flow that silently did nothing fails."""
    wal_holder = {}

    def credentials():
        stored = run.cli("credentials", "set", KEY_ID, stdin=(SECRET + "\n").encode())
        assert stored.returncode == 0, stored
        shown = run.cli("credentials", "show")
        assert shown.returncode == 0 and KEY_ID.encode() in shown.stdout, shown
        assert re.search(rb"Secret: +\*+zZ", shown.stdout), shown.stdout

    tap.check("credentials set and show with the fake key in the private keyring", credentials)

    simulator = SimulatorProcess(run, KEY_ID, SECRET)
    run.simulator = simulator

    def check():
        good = run.cli("credentials", "check", "--endpoint", simulator.url)
        assert good.returncode == 0, good
        good_v1 = run.cli("credentials", "check", "--signature", "v1", "--endpoint",
                          simulator.url)
        assert good_v1.returncode == 0, good_v1
        assert run.cli("credentials", "check", "--training").returncode == 0

    tap.check("credentials check against the simulator (v3 and v1) and in training", check)

    def every_customer():
        for index, (name, number) in enumerate(customers):
            args = ["--name", name, "--id-number", number, "--face-url", FACE, *CARDS]
            trained = run.cli("verify", "--training", *args)
            assert trained.returncode in (0, 1, 2), trained
            assert b"Training mode" in trained.stdout, trained.stdout
            served = run.cli("verify", "--endpoint", simulator.url, *args)
            assert served.returncode == trained.returncode, (served, trained)
            as_json = run.cli("verify", "--json", "--training", *args, debug=False)
            answer = json.loads(as_json.stdout)
            assert answer["id_number_masked"] == number[:6] + "*" * 8 + number[14:], answer
            if index == 0:
                # Open the history from here too, as the app does while the CLI writes: with
                # another connection open, the commands leave their WAL behind for the sweep.
                wal_holder["db"] = sqlite3.connect(
                    os.path.join(run.env["VERIFYDESK_DATA_DIR"], "history.db"))
                wal_holder["db"].execute("SELECT count(*) FROM records").fetchone()
        v1 = run.cli("verify", "--signature", "v1", "--endpoint", simulator.url, "--name",
                     customers[0][0], "--id-number", customers[0][1], "--face-url", FACE)
        assert v1.returncode in (0, 1), v1

    tap.check("every customer verified in training, against the simulator and as JSON",
              every_customer)

    def outcome_unknown():
        gateway = ResettingGateway()
        try:
            name, number = customers[-1]
            lost = run.cli("verify", "--json", "--endpoint", gateway.url, "--name", name,
                           "--id-number", number, "--face-url", FACE, debug=False)
            text = run.cli("verify", "--endpoint", gateway.url, "--name", name,
                           "--id-number", number, "--face-url", FACE)
        finally:
            gateway.close()
        assert lost.returncode == 2 and json.loads(lost.stdout)["outcome"] == "unknown", lost
        assert text.returncode == 2, text
        assert gateway.received and all(b"POST" in r for r in gateway.received), gateway.received
        run.logs += [("network capture", r) for r in gateway.received]

    tap.check("an answer lost after the request left is an unknown outcome", outcome_unknown)

    def errors():
        other = SimulatorProcess(run, KEY_ID, OTHER_SECRET)
        try:
            name, number = customers[0]
            refused = run.cli("verify", "--json", "--endpoint", other.url, "--name", name,
                              "--id-number", number, "--face-url", FACE, debug=False)
            refused_text = run.cli("verify", "--endpoint", other.url, "--name", name,
                                   "--id-number", number, "--face-url", FACE)
            # HMAC-SHA1's string to sign, which the gateway quotes back, holds every parameter.
            refused_v1 = run.cli("verify", "--signature", "v1", "--endpoint", other.url,
                                 "--name", name, "--id-number", number, "--face-url", FACE)
            rejected = run.cli("credentials", "check", "--endpoint", other.url)
        finally:
            other.stop()
        assert json.loads(refused.stdout)["code"] == "SignatureDoesNotMatch", refused
        assert refused_text.returncode == 2, refused_text
        assert refused_v1.returncode == 2, refused_v1
        assert rejected.returncode == 1, rejected
        mistyped = run.cli("verify", "--training", "--name", PLAIN[0][0], "--id-number",
                           MISTYPED, "--face-url", FACE)
        assert mistyped.returncode == 2 and b"should end in" in mistyped.stderr, mistyped

    tap.check("a refused key, a rejected check and a mistyped number are errors", errors)

    def history():
        listed = run.cli("history", "list")
        assert listed.returncode == 0 and listed.stdout.count(b"\n") >= len(customers), listed
        as_json = run.cli("history", "list", "--json", "--limit", "0", debug=False)
        records = json.loads(as_json.stdout)
        assert len(records) >= 3 * len(customers), len(records)
        # The command line records as the window would, with the counter's settings.
        assert {(r["operator"], r["desk"]) for r in records} == {("Sweep Operator",
                                                                   "Sweep Desk")}, records[0]
        by_number = run.cli("history", "list", "--json", "--id-number", customers[0][1],
                            debug=False)
        assert len(json.loads(by_number.stdout)) >= 3, by_number
        for name, args in (("all.csv", []), ("one.csv", ["--id-number", customers[1][1]]),
                           ("unknown.csv", ["--outcome", "unknown"])):
            out = os.path.join(run.exports, name)
            exported = run.cli("history", "export", "--out", out, *args)
            assert exported.returncode == 0 and os.path.getsize(out) > 0, exported

    tap.check("history list, list --json, list by full number and CSV exports", history)

    return wal_holder


def main():
    tap = Tap()
    secret = secret_forms(SECRET)

    def matcher_finds_every_encoding():
        # Each form inside a larger blob, as a leak would put it.
        blobs = {
            "raw": b"x" + SECRET.encode() + b"y",
            "base64": base64.b64encode(b"key=" + SECRET.encode() + b"&x=1"),
            "base64-url": base64.urlsafe_b64encode(b"ab" + SECRET.encode()),
            "hex": (b"\x01" + SECRET.encode() + b"\x02").hex().encode(),
            "url": urllib.parse.urlencode({"a": "1", "Secret": SECRET, "b": "2"}).encode(),
            "json": json.dumps({"k": SECRET}).replace("/", "\\/").encode(),
            "utf-16": ("<" + SECRET + ">").encode("utf-16-le"),
        }
        for what, blob in blobs.items():
            assert found_forms(blob, secret), what
        assert not found_forms(b"nothing to see" * 100, secret)

    tap.check("control: the search finds the secret in every encoding inside a larger blob",
              matcher_finds_every_encoding)

    with PrivateKeyring() as keyring:
        run = Run(keyring)

        def preference_off_by_default():
            assert run.gsettings("get", SCHEMA, "keep-full-id-numbers") == "false"
            # The counter's names, so that the settings are a file the sweep searches too.
            run.gsettings("set", SCHEMA, "operator-name", "Sweep Operator")
            run.gsettings("set", SCHEMA, "desk-name", "Sweep Desk")

        tap.check("full ID numbers are not kept by default", preference_off_by_default)

        customers = samples(run) + PLAIN
        wal_holder = run_every_flow(tap, run, customers)
        numbers = {number for _, number in customers} | {MISTYPED}

        def searched_is_not_empty():
            paths = {path for path, _ in run.files()}
            data = run.env["VERIFYDESK_DATA_DIR"]
            for name in ("history.db", "history.db-wal"):
                assert os.path.join(data, name) in paths, (name, sorted(paths))
            # With a keyring at hand the ID-number key is kept there, not in a file.
            assert os.path.join(data, "history.key") not in paths, sorted(paths)
            assert os.path.getsize(os.path.join(data, "history.db-wal")) > 0
            assert any(p.endswith(os.path.join("glib-2.0", "settings", "keyfile"))
                       for p in paths), sorted(paths)
            assert any(p.endswith("login.keyring") for p in paths), sorted(paths)
            assert sum(1 for p in paths if p.endswith(".csv")) == 3
            assert any(b"DEBUG" in log for _, log in run.logs), "no debug output was captured"

        tap.check("the sweep covers the database, its WAL, settings, keyring, CSV and debug "
                  "logs", searched_is_not_empty)

        def control_masked_found():
            data = run.env["VERIFYDESK_DATA_DIR"]
            masked = (customers[0][1][:6] + "*" * 8 + customers[0][1][14:]).encode()
            with open(os.path.join(data, "history.db"), "rb") as f:
                in_db = masked in f.read()
            with open(os.path.join(data, "history.db-wal"), "rb") as f:
                in_wal = masked in f.read()
            assert in_db or in_wal, "the masked number is in neither the database nor its WAL"
            with open(os.path.join(run.exports, "all.csv"), "rb") as f:
                assert masked in f.read()

        tap.check("control: the masked number is found in the store and the export",
                  control_masked_found)

        def control_secret_found_where_it_is():
            assert found_forms(run.simulator.environ(), secret) == ["raw"]

        tap.check("control: the search finds the secret where it is (the simulator's "
                  "environment)", control_secret_found_where_it_is)
        run.simulator.stop()

        def no_secret_anywhere():
            leaks = [(where, found_forms(blob, secret)) for where, blob in run.everything()
                     if found_forms(blob, secret)]
            assert not leaks, leaks

        tap.check("the AccessKey secret is in no file, log, export or request in any encoding",
                  no_secret_anywhere)

        def no_full_number_anywhere():
            # The request itself carries the number to the service (over TLS to the real one):
            # the network capture is searched for the secret only.
            kept = [(where, blob) for where, blob in run.everything()
                    if where != "network capture"]
            leaks = []
            for number in sorted(numbers):
                forms = number_forms(number)
                leaks += [(where, number, found_forms(blob, forms))
                          for where, blob in kept if found_forms(blob, forms)]
            assert not leaks, leaks
            assert len(kept) > 100, len(kept)

        tap.check("no full ID number is in any file, WAL, log or export with full storage off",
                  no_full_number_anywhere)

        def control_kept_number_found():
            run.gsettings("set", SCHEMA, "keep-full-id-numbers", "true")
            kept = run.cli("verify", "--training", "--name", KEPT[0], "--id-number", KEPT[1],
                           "--face-url", FACE)
            assert kept.returncode == 0, kept
            out = os.path.join(run.exports, "kept.csv")
            assert run.cli("history", "export", "--out", out).returncode == 0
            with open(out, "rb") as f:
                assert KEPT[1].encode() in f.read()
            data = run.env["VERIFYDESK_DATA_DIR"]
            stored = b""
            for name in ("history.db", "history.db-wal"):
                # The WAL may have been checkpointed into the database and removed by now.
                if os.path.exists(os.path.join(data, name)):
                    with open(os.path.join(data, name), "rb") as f:
                        stored += f.read()
            assert KEPT[1].encode() in stored
            # The numbers recorded before the preference was switched on stay masked.
            for number in numbers:
                assert number.encode() not in stored, number

        tap.check("control: with the preference on, the full number is found in the store "
                  "and the export", control_kept_number_found)

        if "db" in wal_holder:
            wal_holder["db"].close()

    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
