#!/usr/bin/env python3
"""verifydesk-cli as an operator and a script use it: the training demo, the verdict for every
sample customer, the JSON object, bad input refused in one line before anything is sent, the
exit statuses, the simulator command serving other programs, and the Chinese translation."""

import json
import os
import re
import signal
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402
from cli_credentials import credentials_checks  # noqa: E402

CLI = os.environ["VERIFYDESK_CLI"]
BUILD_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(CLI)))
# Every verification lands in the history: keep it, and its ID-number key, out of the
# developer's data folder and keyring (no session bus: the key goes to a file beside it).
DATA_DIR = tempfile.mkdtemp(prefix="vd-test-cli-")
os.environ["VERIFYDESK_DATA_DIR"] = DATA_DIR
os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/vd-test-cli-bus"
DEMO = ["--name", "张三", "--id-number", "11010519491231002X",
        "--face-url", "https://example.com/face.jpg"]


def cli(*args, env=None, timeout=30):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([CLI, *args], env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def samples():
    result = cli("samples")
    assert result.returncode == 0, result.stderr
    rows = []
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and re.fullmatch(r"\d{17}[\dX]", parts[1]):
            rows.append((parts[0], parts[1], int(parts[2])))
    return rows


def main():
    tap = Tap()

    def demo_text():
        result = cli("verify", "--training", *DEMO)
        assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
        out = result.stdout
        assert "Training mode: results are simulated." in out, out
        assert "Passed — 张三" in out, out
        assert re.search(r"Score: \d\d(\.\d)? — at or above (90|95): false-accept rate 0\.00?1 %", out), out
        lines = out.splitlines()
        scale = next(i for i, line in enumerate(lines) if line.startswith("  0 ─"))
        score = float(re.search(r"Score: ([\d.]+)", out).group(1))
        # Both lines are indented four columns before the 0–100 scale, half a column per point.
        assert lines[scale].index("60") - 4 == 30 and lines[scale].index("95") - 4 == 48, lines[scale]
        assert lines[scale + 1].index("▲") - 4 == round(score / 2), (score, lines[scale + 1])
        assert "The score is a reference only" in out, out
        assert "110105********002X" in out and "11010519491231002X" not in out, out
        assert re.search(r"BizId +[0-9a-f-]{36}", out), out
        assert re.search(r"RequestId +\S+", out) and re.search(r"VerifyToken +\S+", out), out

    tap.check("the README's training demo prints a verdict placed against the thresholds", demo_text)

    def demo_json():
        result = cli("verify", "--training", "--json", *DEMO)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        for key in ("status", "code", "score", "biz_id", "request_id"):
            assert key in answer, key
        assert answer["status"] == 1 and answer["code"] is None
        assert 90 <= answer["score"] <= 99
        assert answer["outcome"] == "passed" and answer["training"] is True
        assert answer["id_number_masked"] == "110105********002X"
        assert len(answer["biz_id"]) == 36

    tap.check("--json prints one object with status, code, score, biz_id and request_id", demo_json)

    def same_input_same_answer():
        first = json.loads(cli("verify", "--training", "--json", *DEMO).stdout)
        second = json.loads(cli("verify", "--training", "--json", *DEMO).stdout)
        assert first["score"] == second["score"]
        assert first["biz_id"] != second["biz_id"], "a new task needs a new BizId"

    tap.check("the simulator answers the same input the same way; each run is a new task",
              same_input_same_answer)

    def resubmit_keeps_biz_id():
        biz_id = "task-2026-11-28-0042"
        answer = json.loads(cli("verify", "--training", "--json", "--biz-id", biz_id, *DEMO).stdout)
        assert answer["biz_id"] == biz_id

    tap.check("--biz-id resubmits the same task", resubmit_keeps_biz_id)

    rows = samples()

    def every_sample():
        statuses = {status for _, _, status in rows}
        for status in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 3101, 3102, 3103):
            assert status in statuses, f"no sample customer produces {status}"
        for name, number, status in rows:
            result = cli("verify", "--training", "--json", "--name", name, "--id-number", number,
                         "--face-url", "https://example.com/f.jpg",
                         "--front-url", "https://example.com/front.jpg",
                         "--back-url", "https://example.com/back.jpg")
            answer = json.loads(result.stdout)
            if status == 1:
                assert result.returncode == 0 and answer["outcome"] == "passed", answer
            elif status >= 3000:
                assert result.returncode == 1, (status, result.returncode, answer)
                assert answer["code"] == str(status) and answer["status"] is None, answer
            else:
                assert result.returncode == 1, (status, result.returncode, answer)
                assert answer["status"] == status and answer["outcome"] == "not_passed", answer
                assert answer["ocr"] is not None, answer

    tap.check("every sample customer gets its outcome and exit status", every_sample)

    def bad_input(args, expected):
        def check():
            result = cli("verify", "--training", *args)
            assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
            assert result.stdout == "", result.stdout
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, lines
            assert lines[0].startswith("verifydesk-cli"), lines
            assert re.search(expected, lines[0]), lines[0]
        return check

    tap.check("a missing --name is one line, exit 2",
              bad_input(DEMO[2:], r"--name is required"))
    tap.check("an unknown flag is one line, exit 2",
              bad_input([*DEMO, "--colour", "red"], r"--colour"))
    tap.check("a wrong check character names the expected one",
              bad_input(["--name", "张三", "--id-number", "110105194912310021",
                         "--face-url", "https://example.com/f.jpg"], r"X"))
    tap.check("a local path as the face URL says to upload the photo first",
              bad_input(["--name", "张三", "--id-number", "11010519491231002X",
                         "--face-url", "/home/desk/face.jpg"], r"upload the photo first"))
    tap.check("a BizId over 64 characters is refused",
              bad_input([*DEMO, "--biz-id", "b" * 65], r"64"))
    tap.check("--training with --endpoint is refused",
              bad_input([*DEMO, "--endpoint", "https://cloudauth.aliyuncs.com/"], r"--endpoint"))
    tap.check("plain http to a remote endpoint is refused before anything is sent",
              _remote_http)

    def no_credentials():
        result = cli("verify", "--json", *DEMO)
        assert result.returncode == 2, result
        answer = json.loads(result.stdout)
        assert answer["outcome"] == "error" and answer["status"] is None
        assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in answer["message"], answer

    tap.check("without credentials nothing is sent and the message says what to set", no_credentials)

    def simulator_serves_other_programs():
        env = dict(os.environ, ALIBABA_CLOUD_ACCESS_KEY_ID="LTAI5tCounterDesk000001",
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET="CounterDeskSecretForTests")
        server = subprocess.Popen([CLI, "simulator"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            url = server.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url), url
            ok = cli("verify", "--json", "--endpoint", url, *DEMO, env=env)
            assert ok.returncode == 0, (ok.stdout, ok.stderr)
            assert json.loads(ok.stdout)["training"] is False
            ok_v1 = cli("verify", "--json", "--signature", "v1", "--endpoint", url, *DEMO, env=env)
            assert ok_v1.returncode == 0, (ok_v1.stdout, ok_v1.stderr)
            wrong = cli("verify", "--json", "--endpoint", url, *DEMO,
                        env=dict(env, ALIBABA_CLOUD_ACCESS_KEY_SECRET="not-the-secret"))
            assert wrong.returncode == 2
            assert json.loads(wrong.stdout)["code"] == "SignatureDoesNotMatch"
            training_pair = cli("verify", "--json", "--endpoint", url, *DEMO,
                                env=dict(env, ALIBABA_CLOUD_ACCESS_KEY_ID="LTAI5tVDTrainingDesk0001",
                                         ALIBABA_CLOUD_ACCESS_KEY_SECRET="VerifyDeskTrainingSecretNotForRealUse01"))
            assert json.loads(training_pair.stdout)["code"] == "InvalidAccessKeyId.NotFound"
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
        assert server.returncode == 0, server.returncode

    tap.check("the simulator command serves other programs with the given key pair only",
              simulator_serves_other_programs)

    def chinese():
        localedir = os.path.join(BUILD_ROOT, "po")
        env = {"LC_ALL": "C.UTF-8", "LANGUAGE": "zh_CN", "VERIFYDESK_LOCALEDIR": localedir}
        result = cli("verify", "--training", *DEMO, env=env)
        assert result.returncode == 0, result.stderr
        assert "训练模式" in result.stdout, result.stdout
        assert "通过" in result.stdout, result.stdout
        bad = cli("verify", "--training", "--name", "张三", "--id-number", "110105194912310021",
                  "--face-url", "https://example.com/f.jpg", env=env)
        assert bad.returncode == 2
        assert re.search(r"[\u4e00-\u9fff]", bad.stderr), bad.stderr

    tap.check("under LANGUAGE=zh_CN the verdict and the errors are in Chinese", chinese)

    def help_and_version():
        assert cli("--help").returncode == 0
        assert "verify" in cli("--help").stdout
        assert cli("--version").stdout.startswith("verifydesk-cli ")
        assert cli("frobnicate").returncode == 2

    tap.check("--help, --version and an unknown command", help_and_version)

    history_checks(tap, rows)

    credentials_checks(tap, CLI, DEMO)

    return tap.finish()


def history_list(*args, data_dir):
    result = cli("history", "list", "--json", *args, env={"VERIFYDESK_DATA_DIR": data_dir})
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return json.loads(result.stdout)


def history_checks(tap, rows):
    """The history the verifications leave, read and exported by `history`, on a data folder
    of its own so that the counts are exact."""
    data_dir = tempfile.mkdtemp(prefix="vd-test-cli-history-")
    env = {"VERIFYDESK_DATA_DIR": data_dir}
    not_passed = next((name, number) for name, number, status in rows if 2 <= status <= 13)

    def verify_in(*args):
        return cli("verify", "--training", "--json", *args, env=env)

    def list_after_verify():
        first = verify_in(*DEMO)
        assert first.returncode == 0, first.stderr
        second = verify_in("--name", not_passed[0], "--id-number", not_passed[1],
                           "--face-url", "https://example.com/f.jpg")
        assert second.returncode == 1, second.stderr
        records = history_list(data_dir=data_dir)
        assert isinstance(records, list) and len(records) == 2, records
        for record in records:
            for key in ("time", "biz_id", "attempt", "outcome", "status", "code", "score",
                        "name", "id_number_masked", "training"):
                assert key in record, (key, record)
            assert record["training"] is True and record["attempt"] == 1, record
        newest, oldest = records
        assert newest["name"] == not_passed[0] and newest["outcome"] == "not_passed", newest
        assert 2 <= newest["status"] <= 13, newest
        assert oldest["name"] == "张三" and oldest["outcome"] == "passed", oldest
        assert oldest["status"] == 1 and oldest["code"] is None and oldest["score"] >= 90, oldest
        assert oldest["id_number_masked"] == "110105********002X", oldest
        assert oldest["biz_id"] == json.loads(first.stdout)["biz_id"], (oldest, first.stdout)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", oldest["time"]), oldest

    tap.check("verify leaves a record; history list --json prints them newest first",
              list_after_verify)

    def resubmission_counts_attempts():
        biz_id = "task-history-0001"
        for _ in range(2):
            assert verify_in("--biz-id", biz_id, *DEMO).returncode == 0
        records = [r for r in history_list(data_dir=data_dir) if r["biz_id"] == biz_id]
        assert [r["attempt"] for r in records] == [2, 1], records

    tap.check("resubmitting a task counts its attempts", resubmission_counts_attempts)

    def filters():
        assert [r["name"] for r in history_list("--name", "张", data_dir=data_dir)] == ["张三"] * 3
        assert len(history_list("--outcome", "not_passed", data_dir=data_dir)) == 1
        assert len(history_list("--outcome", "unknown", data_dir=data_dir)) == 0
        assert len(history_list("--id-number", "110105 19491231 002x", data_dir=data_dir)) == 3
        assert len(history_list("--id-number", not_passed[1], data_dir=data_dir)) == 1
        assert len(history_list("--limit", "1", data_dir=data_dir)) == 1
        assert len(history_list("--since", "2000-01-01", data_dir=data_dir)) == 4
        assert len(history_list("--until", "2000-01-01", data_dir=data_dir)) == 0
        desks = {r["desk"] for r in history_list(data_dir=data_dir)}
        assert len(desks) == 1, desks  # the CLI records under this computer's name
        assert len(history_list("--desk", desks.pop(), data_dir=data_dir)) == 4
        assert len(history_list("--desk", "no-such-desk", data_dir=data_dir)) == 0
        bad = cli("history", "list", "--outcome", "maybe", env=env)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad
        assert "passed, not_passed, error or unknown" in bad.stderr, bad.stderr

    tap.check("history list filters by name, outcome, full ID number, date, desk and limit",
              filters)

    def no_full_number_on_disk():
        for name in os.listdir(data_dir):
            with open(os.path.join(data_dir, name), "rb") as f:
                data = f.read()
            assert b"11010519491231002X" not in data, name
            assert not_passed[1].encode() not in data, name
        mode = os.stat(os.path.join(data_dir, "history.db")).st_mode & 0o777
        assert mode == 0o600, oct(mode)

    tap.check("the history file (0600) holds no full ID number", no_full_number_on_disk)

    def export():
        out = os.path.join(data_dir, "export.csv")
        result = cli("history", "export", "--out", out, "--name", "张三", env=env)
        assert result.returncode == 0, result.stderr
        assert "Exported 3 records" in result.stdout, result.stdout
        with open(out, "rb") as f:
            data = f.read()
        assert data.startswith(b"\xef\xbb\xbf" b"time,operator,desk,biz_type,biz_id,attempt,name"), data[:80]
        lines = data.decode("utf-8-sig").split("\r\n")
        assert len(lines) == 5 and lines[-1] == "", lines
        assert all(",张三,110105********002X," in line for line in lines[1:4]), lines
        os.unlink(out)
        missing = cli("history", "export", env=env)
        assert missing.returncode == 2 and "--out" in missing.stderr, missing

    tap.check("history export writes the filtered rows as CSV with a BOM", export)

    def concurrent():
        before = len(history_list("--limit", "0", data_dir=data_dir))
        full_env = dict(os.environ, **env)
        procs = [subprocess.Popen([CLI, "verify", "--training", "--json", *DEMO], env=full_env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(4)]
        readers = [subprocess.Popen([CLI, "history", "list", "--json"], env=full_env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                   for _ in range(2)]
        for proc in procs + readers:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, (proc.returncode, err)
        after = history_list("--limit", "0", data_dir=data_dir)
        assert len(after) == before + 4, (before, len(after))

    tap.check("several CLI processes verify and list on one history at once", concurrent)

    def corrupt():
        other = tempfile.mkdtemp(prefix="vd-test-cli-corrupt-")
        with open(os.path.join(other, "history.db"), "wb") as f:
            f.write(b"not a database " * 400)
        result = cli("history", "list", env={"VERIFYDESK_DATA_DIR": other})
        assert result.returncode == 0, result.stderr
        moved = [n for n in os.listdir(other) if re.fullmatch(r"history-\d{8}-\d{6}\.corrupt", n)]
        assert len(moved) == 1, os.listdir(other)
        assert "damaged" in result.stderr and moved[0] in result.stderr, result.stderr
        shutil.rmtree(other)

    tap.check("a damaged history is moved aside and the operator told", corrupt)

    shutil.rmtree(data_dir)


def _remote_http():
    result = cli("verify", "--json", "--endpoint", "http://cloudauth.aliyuncs.com/", *DEMO,
                 env={"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tCounterDesk000001",
                      "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "CounterDeskSecretForTests"})
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert "https" in result.stderr, result.stderr


if __name__ == "__main__":
    try:
        status = main()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    sys.exit(status)
