"""qcloudapi-sdk-python (API 2.0, the legacy `/v2/index.php` signature) against
`fnconsole engine`: GetFunctionLogs by GET and POST, HmacSHA1 and HmacSHA256, with filters;
a wrong secret key is refused with code 4100.

The SDK only speaks HTTPS to `scf.api.qcloud.com`; the engine listens on plain HTTP on
loopback. So the test points the SDK's Scf module at the engine and swaps its connection
class for a plain one. Everything that matters here, the parameters and the signature over
the host it talks to, is still the SDK's own code."""

import http.client
import json
import unittest

from QcloudApi.common import request as qcloud_request
from QcloudApi.modules.scf import Scf
from QcloudApi.qcloudapi import QcloudApi

from engine import Engine


class PlainConnection(http.client.HTTPConnection):
    """What the SDK expects of its connection class, without TLS."""

    def __init__(self, host, port=None):
        super().__init__(host, port)
        self.request_length = 0


def client(engine, secret_key, method="GET", signature="HmacSHA1"):
    Scf.requestHost = engine.host
    qcloud_request.MyHTTPSConnection = PlainConnection
    return QcloudApi(
        "scf",
        {
            "Region": engine.keys["tencent_region"],
            "secretId": engine.keys["tencent_secret_id"],
            "secretKey": secret_key,
            "method": method,
            "SignatureMethod": signature,
        },
    )


class QcloudLegacySdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = Engine()
        # Activations to read: two successes and a failure, through the engine's OpenWhisk
        # dialect (the legacy API has no Invoke).
        import base64
        import urllib.request

        auth = base64.b64encode(cls.engine.keys["openwhisk_auth"].encode()).decode()
        for action in ["hello", "hello", "always-fails"]:
            req = urllib.request.Request(
                f"{cls.engine.url}/api/v1/namespaces/_/actions/demo/{action}?blocking=true",
                data=b"{}",
                method="POST",
                headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
            )
            try:
                urllib.request.urlopen(req).read()
            except urllib.error.HTTPError as failed:  # 502 for the failing one
                failed.read()

    @classmethod
    def tearDownClass(cls):
        cls.engine.stop()

    def logs(self, api, **params):
        answer = json.loads(api.call("GetFunctionLogs", params))
        self.assertEqual(answer["code"], 0, answer)
        return answer

    def test_get_function_logs_by_get_and_post_with_either_signature(self):
        for method in ["GET", "POST"]:
            for signature in ["HmacSHA1", "HmacSHA256"]:
                api = client(self.engine, self.engine.keys["tencent_secret_key"], method, signature)
                answer = self.logs(api, functionName="hello", namespace="demo", limit=10)
                self.assertEqual(answer["total"], 2, (method, signature))
                self.assertEqual({d["functionName"] for d in answer["data"]}, {"hello"})

    def test_filters_and_ordering(self):
        api = client(self.engine, self.engine.keys["tencent_secret_key"])
        failed = self.logs(api, namespace="demo", filter={"retCode": "not0"})
        self.assertEqual([d["functionName"] for d in failed["data"]], ["always-fails"])
        self.assertEqual(failed["data"][0]["retCode"], 1)
        ordered = self.logs(api, namespace="demo", order="asc", orderby="function_name")
        names = [d["functionName"] for d in ordered["data"]]
        self.assertEqual(names, sorted(names))
        one = self.logs(api, namespace="demo", requestId=ordered["data"][0]["requestId"])
        self.assertEqual(one["total"], 1)
        too_far = json.loads(api.call("GetFunctionLogs", {"offset": 9999, "limit": 2}))
        self.assertEqual((too_far["code"], too_far["codeDesc"]), (4000, "InvalidParameterValue"))

    def test_a_wrong_secret_key_is_refused(self):
        api = client(self.engine, "not-the-secret-key")
        answer = json.loads(api.call("GetFunctionLogs", {"functionName": "hello"}))
        self.assertEqual((answer["code"], answer["codeDesc"]), (4100, "AuthFailure.SignatureFailure"))


if __name__ == "__main__":
    unittest.main()
