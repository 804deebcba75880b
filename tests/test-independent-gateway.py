#!/usr/bin/env python3
"""An independent Cloudauth gateway, written from the published description of both signature
schemes with Python's standard library only: it shares no code with src/core. verifydesk-cli's
requests must be accepted by it under v1 and v3, with and without an STS token, for names and
values that exercise the encoding; and a wrong secret must be refused.

The gateway's own implementation is first checked against Alibaba Cloud's official worked
examples, so that an acceptance here means the client signs as the real service expects."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402

CLI = os.environ["VERIFYDESK_CLI"]
KEY_ID = "LTAI5tIndependentGw01"
SECRET = "IndependentGatewaySecret 2026"
STS_KEY_ID = "STS.NUgYrLnoC37mZZCNnAbez"
STS_SECRET = "StsSecretForTheIndependentGateway"
STS_TOKEN = "CAIS+token/with=reserved&chars"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def rfc3986(text):
    return urllib.parse.quote(text, safe="-_.~", encoding="utf-8")


def canonical_query(pairs):
    return "&".join(f"{rfc3986(k)}={rfc3986(v)}" for k, v in sorted(pairs))


def v1_signature(secret, method, pairs):
    to_sign = f"{method}&{rfc3986('/')}&{rfc3986(canonical_query(pairs))}"
    digest = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return to_sign, base64.b64encode(digest).decode()


def v3_signature(secret, method, pairs, headers, signed_names, payload_hash):
    canonical_headers = "".join(f"{n}:{headers[n].strip()}\n" for n in signed_names)
    request = "\n".join([method, "/", canonical_query(pairs), canonical_headers,
                         ";".join(signed_names), payload_hash])
    hashed = hashlib.sha256(request.encode()).hexdigest()
    to_sign = "ACS3-HMAC-SHA256\n" + hashed
    return hashed, hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def parse_query(raw):
    # Decode strictly: a value the client did not encode as RFC 3986 changes the signature.
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((urllib.parse.unquote(name, errors="strict"),
                      urllib.parse.unquote(value, errors="strict")))
    return pairs


class Gateway(BaseHTTPRequestHandler):
    keys = {KEY_ID: (SECRET, None), STS_KEY_ID: (STS_SECRET, STS_TOKEN)}
    seen = []  # (scheme, params) of accepted requests

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, code, message, status=400):
        self.answer(status, {"RequestId": str(uuid.uuid4()).upper(), "HostId": "independent",
                             "Code": code, "Message": message})

    def do_GET(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def handle_request(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        raw_query = urllib.parse.urlsplit(self.path).query
        try:
            pairs = parse_query(raw_query)
        except UnicodeDecodeError:
            return self.refuse("InvalidParameter", "query is not UTF-8")
        params = dict(pairs)
        auth = self.headers.get("Authorization", "")
        if auth.startswith("ACS3-HMAC-SHA256 "):
            scheme = "v3"
            fields = dict(f.strip().split("=", 1) for f in auth[len("ACS3-HMAC-SHA256 "):].split(","))
            key_id = fields["Credential"]
            signed_names = fields["SignedHeaders"].split(";")
            headers = {n: self.headers.get(n, "") for n in signed_names}
            for required in ("host", "x-acs-action", "x-acs-version", "x-acs-date",
                             "x-acs-signature-nonce", "x-acs-content-sha256"):
                if required not in signed_names:
                    return self.refuse("IncompleteSignature", f"{required} is not signed")
            if self.headers["x-acs-content-sha256"] != hashlib.sha256(body).hexdigest():
                return self.refuse("ContentSHA256NotMatched", "payload hash")
            if key_id not in self.keys:
                return self.refuse("InvalidAccessKeyId.NotFound", "no such key", 404)
            secret, token = self.keys[key_id]
            if token is not None and self.headers.get("x-acs-security-token") != token:
                return self.refuse("InvalidSecurityToken.Mismatch", "token")
            if token is not None and "x-acs-security-token" not in signed_names:
                return self.refuse("IncompleteSignature", "token not signed")
            _, expected = v3_signature(secret, self.command, pairs, headers, signed_names,
                                       self.headers["x-acs-content-sha256"])
            given = fields["Signature"]
            action = self.headers["x-acs-action"]
            version = self.headers["x-acs-version"]
            stamp = self.headers["x-acs-date"]
        else:
            scheme = "v1"
            given = params.pop("Signature", None)
            if given is None:
                return self.refuse("MissingSignature", "Signature")
            key_id = params.get("AccessKeyId")
            if key_id not in self.keys:
                return self.refuse("InvalidAccessKeyId.NotFound", "no such key", 404)
            secret, token = self.keys[key_id]
            if token is not None and params.get("SecurityToken") != token:
                return self.refuse("InvalidSecurityToken.Mismatch", "token")
            if params.get("SignatureMethod") != "HMAC-SHA1" or params.get("SignatureVersion") != "1.0":
                return self.refuse("InvalidParameter", "signature method")
            _, expected = v1_signature(secret, self.command,
                                       [(k, v) for k, v in pairs if k != "Signature"])
            action = params.get("Action")
            version = params.get("Version")
            stamp = params.get("Timestamp", "")
        if not hmac.compare_digest(given, expected):
            return self.refuse("SignatureDoesNotMatch", "Specified signature is not matched.")
        when = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900:
            return self.refuse("InvalidTimeStamp.Expired", "expired")
        if action != "VerifyMaterial" or version != "2019-03-07":
            return self.refuse("InvalidAction.NotFound", "action", 404)
        for name in ("BizType", "BizId", "Name", "IdCardNumber", "FaceImageUrl"):
            if not params.get(name):
                return self.refuse("MissingParameter", f'The input parameter "{name}" is missing')
        Gateway.seen.append((scheme, params))
        self.answer(200, {"RequestId": str(uuid.uuid4()).upper(), "VerifyToken": uuid.uuid4().hex,
                          "VerifyStatus": 1, "AuthorityComparisionScore": 97.5,
                          "Material": {"IdCardName": params["Name"],
                                       "IdCardNumber": params["IdCardNumber"],
                                       "FaceImageUrl": params["FaceImageUrl"]}})


def start_gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def run_cli(endpoint, scheme, key_id, secret, token=None, name="张三", extra=()):
    env = dict(os.environ)
    env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = key_id
    env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = secret
    env["ALIBABA_CLOUD_SECURITY_TOKEN"] = token or ""
    args = [CLI, "verify", "--json", "--endpoint", endpoint, "--signature", scheme,
            "--name", name, "--id-number", "11010519491231002X",
            "--face-url", "https://example.com/face%20photo.jpg?size=large&v=1~x", *extra]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=30)


def main():
    tap = Tap()

    def official_v1():
        pairs = [("AccessKeyId", "testid"), ("Action", "DescribeRegions"), ("Format", "XML"),
                 ("SignatureMethod", "HMAC-SHA1"),
                 ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
                 ("SignatureVersion", "1.0"), ("Timestamp", "2016-02-23T12:46:24Z"),
                 ("Version", "2014-05-26")]
        to_sign, signature = v1_signature("testsecret", "GET", pairs)
        assert to_sign.startswith("GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions"), to_sign
        assert signature == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=", signature

    def official_v3():
        pairs = [("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"),
                 ("RegionId", "cn-shanghai")]
        headers = {"host": "ecs.cn-shanghai.aliyuncs.com", "x-acs-action": "RunInstances",
                   "x-acs-content-sha256": EMPTY_SHA256, "x-acs-date": "2023-10-26T10:22:32Z",
                   "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
                   "x-acs-version": "2014-05-26"}
        hashed, signature = v3_signature("YourAccessKeySecret", "POST", pairs, headers,
                                         sorted(headers), EMPTY_SHA256)
        assert hashed == "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259", hashed
        assert signature == "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0", signature

    tap.check("the independent gateway reproduces the official v1 example", official_v1)
    tap.check("the independent gateway reproduces the official v3 example", official_v3)

    server = start_gateway()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/"

    def accepted(scheme, key_id, secret, token=None, name="张三", extra=()):
        def check():
            before = len(Gateway.seen)
            result = run_cli(endpoint, scheme, key_id, secret, token, name, extra)
            assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
            answer = json.loads(result.stdout)
            assert answer["outcome"] == "passed", answer
            assert answer["status"] == 1 and answer["score"] == 97.5, answer
            assert len(Gateway.seen) == before + 1
            got_scheme, params = Gateway.seen[-1]
            assert got_scheme == scheme
            assert params["Name"] == name, params["Name"]
            assert params["FaceImageUrl"] == "https://example.com/face%20photo.jpg?size=large&v=1~x"
        return check

    reserved = "a b+c*d~e/f?g#h[i]j@k!l$m&n'o(p)q,r;s=t%u:v"
    for scheme in ("v3", "v1"):
        tap.check(f"{scheme}: a Chinese name is accepted", accepted(scheme, KEY_ID, SECRET))
        tap.check(f"{scheme}: a name with spaces is accepted",
                  accepted(scheme, KEY_ID, SECRET, name="Zhang San Feng"))
        tap.check(f"{scheme}: every reserved character in UserId is accepted",
                  accepted(scheme, KEY_ID, SECRET, extra=("--user-id", reserved)))
        tap.check(f"{scheme}: an STS token is carried and accepted",
                  accepted(scheme, STS_KEY_ID, STS_SECRET, token=STS_TOKEN))

        def refused(scheme=scheme):
            result = run_cli(endpoint, scheme, KEY_ID, SECRET + "x")
            assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
            answer = json.loads(result.stdout)
            assert answer["code"] == "SignatureDoesNotMatch", answer
            assert answer["outcome"] == "error", answer
            assert SECRET not in result.stdout + result.stderr

        tap.check(f"{scheme}: a wrong secret is refused with SignatureDoesNotMatch", refused)

    server.shutdown()
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
