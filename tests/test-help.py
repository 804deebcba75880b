#!/usr/bin/env python3
"""Both front ends' --help and --version, as a packager, an admin or a translator run them: with
no display and no session bus (as inside flatpak-builder), in English and under
LANGUAGE=zh_CN in Chinese."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402

APP = os.environ["VERIFYDESK_APP"]
CLI = os.environ["VERIFYDESK_CLI"]
VERSION = os.environ["VERIFYDESK_VERSION"]
HEADLESS = {"DISPLAY": None, "WAYLAND_DISPLAY": None,
            "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/vd-test-help-bus"}
CHINESE = {"LC_ALL": "C.UTF-8", "LANGUAGE": "zh_CN"}
APP_OPTIONS = ["--version", "--training", "--history"]


def run(program, *args, env=None):
    full_env = dict(os.environ)
    for key, value in {**HEADLESS, **(env or {})}.items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    return subprocess.run([program, *args], env=full_env, capture_output=True, text=True,
                          timeout=30)


def assert_ok(result):
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    assert result.stderr == "", result.stderr


def main():
    tap = Tap()

    def app_help():
        result = run(APP, "--help")
        assert_ok(result)
        out = result.stdout
        assert out.startswith("Usage:\n  verifydesk [OPTION…] — identity verification at the "
                              "service counter\n"), out
        for option in APP_OPTIONS:
            assert f" {option} " in out, (option, out)
        assert "Print the version and exit" in out, out
        assert "Start in training mode" in out, out
        assert "Without an AccessKey in the keyring or the environment" in out, out
    tap.check("verifydesk --help lists its options without a display", app_help)

    def app_version():
        for option in ("--version", "-v"):
            result = run(APP, option)
            assert_ok(result)
            assert result.stdout == f"verifydesk {VERSION}\n", result.stdout
    tap.check("verifydesk --version prints the version without a display", app_version)

    def app_unknown_option():
        result = run(APP, "--no-such-option")
        assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
        assert "--no-such-option" in result.stderr, result.stderr
    tap.check("verifydesk refuses an unknown option and names it", app_unknown_option)

    def app_help_chinese():
        result = run(APP, "--help", env=CHINESE)
        assert_ok(result)
        out = result.stdout
        assert "— 柜台身份认证" in out, out
        assert "打印版本并退出" in out, out
        assert "以训练模式启动" in out, out
        assert "打开认证历史记录" in out, out
        for option in APP_OPTIONS:
            assert f" {option} " in out, (option, out)
    tap.check("verifydesk --help is in Chinese under LANGUAGE=zh_CN", app_help_chinese)

    def cli_help():
        result = run(CLI, "--help")
        assert_ok(result)
        out = result.stdout
        assert out.startswith("Usage: verifydesk-cli COMMAND [OPTION…]\n"), out
        for command in ("verify", "simulator", "samples", "credentials", "history"):
            assert f"\n  {command} " in out, (command, out)
    tap.check("verifydesk-cli --help lists every command", cli_help)

    def cli_version():
        result = run(CLI, "--version")
        assert_ok(result)
        assert result.stdout == f"verifydesk-cli {VERSION}\n", result.stdout
    tap.check("verifydesk-cli --version prints the version", cli_version)

    def cli_help_chinese():
        result = run(CLI, "--help", env=CHINESE)
        assert_ok(result)
        assert "用法" in result.stdout, result.stdout
        assert "Usage" not in result.stdout, result.stdout
        verify = run(CLI, "verify", "--help", env=CHINESE)
        assert_ok(verify)
        assert "身份证" in verify.stdout, verify.stdout
    tap.check("verifydesk-cli --help is in Chinese under LANGUAGE=zh_CN", cli_help_chinese)

    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
