"""tencentcloud-sdk-python (API 3.0, TC3-HMAC-SHA256) against `fnconsole engine`: Invoke, then
GetFunctionLogs with its filters and ordering; a wrong secret key is refused."""

import json
import unittest

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.scf.v20180416 import models, scf_client

from engine import Engine


def client(engine, secret_key):
    http = HttpProfile()
    http.scheme = "http"
    http.endpoint = engine.host
    k = engine.keys
    return scf_client.ScfClient(
        credential.Credential(k["tencent_secret_id"], secret_key),
        k["tencent_region"],
        ClientProfile(httpProfile=http),
    )


def request(model, **fields):
    r = model()
    r.from_json_string(json.dumps(fields))
    return r


class ScfSdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = Engine()

    @classmethod
    def tearDownClass(cls):
        cls.engine.stop()

    def test_invoke_then_get_function_logs(self):
        scf = client(self.engine, self.engine.keys["tencent_secret_key"])
        listed = scf.ListFunctions(request(models.ListFunctionsRequest, Namespace="demo"))
        self.assertIn("hello", [f.FunctionName for f in listed.Functions])

        ok = scf.Invoke(
            request(
                models.InvokeRequest,
                FunctionName="hello",
                Namespace="demo",
                ClientContext=json.dumps({"name": "sdk"}),
            )
        )
        self.assertEqual(ok.Result.InvokeResult, 0)
        self.assertIn("sdk", ok.Result.RetMsg)
        failed = scf.Invoke(request(models.InvokeRequest, FunctionName="always-fails", Namespace="demo"))
        self.assertEqual(failed.Result.InvokeResult, 1)
        self.assertIn("always fails", failed.Result.ErrMsg)

        logs = scf.GetFunctionLogs(
            request(models.GetFunctionLogsRequest, FunctionName="hello", Namespace="demo", Limit=10)
        )
        self.assertEqual(logs.TotalCount, 1)
        self.assertEqual(logs.Data[0].RequestId, ok.Result.FunctionRequestId)
        self.assertEqual(logs.Data[0].RetCode, 0)

        failures = scf.GetFunctionLogs(
            request(
                models.GetFunctionLogsRequest,
                Namespace="demo",
                Filter={"RetCode": "not0"},
                Order="asc",
                OrderBy="duration",
            )
        )
        self.assertEqual([d.FunctionName for d in failures.Data], ["always-fails"])
        self.assertIn("about to fail on purpose", failures.Data[0].Log)

    def test_the_window_is_refused_past_10000(self):
        scf = client(self.engine, self.engine.keys["tencent_secret_key"])
        with self.assertRaises(TencentCloudSDKException) as refused:
            scf.GetFunctionLogs(request(models.GetFunctionLogsRequest, Offset=9995, Limit=10))
        self.assertEqual(refused.exception.code, "InvalidParameterValue")

    def test_a_wrong_secret_key_is_refused(self):
        scf = client(self.engine, "not-the-secret-key")
        with self.assertRaises(TencentCloudSDKException) as refused:
            scf.GetFunctionLogs(request(models.GetFunctionLogsRequest, FunctionName="hello"))
        self.assertEqual(refused.exception.code, "AuthFailure.SignatureFailure")


if __name__ == "__main__":
    unittest.main()
