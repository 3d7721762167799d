"""huaweicloudsdkfunctiongraph (PyPI) against `fnconsole engine`: an asynchronous invocation,
then ListAsyncInvocations with its filters; a wrong secret key is refused with FSS.0403."""

import time
import unittest

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkfunctiongraph.v2 import (
    AsyncInvokeFunctionRequest,
    FunctionGraphClient,
    ListAsyncInvocationsRequest,
    ListFunctionsRequest,
)

from engine import Engine


def client(engine, secret_key):
    k = engine.keys
    credentials = BasicCredentials(k["huawei_access_key"], secret_key, k["huawei_project_id"])
    return (
        FunctionGraphClient.new_builder()
        .with_credentials(credentials)
        .with_endpoints([engine.url])
        .build()
    )


class FunctionGraphSdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.engine = Engine()
        cls.urn = f"urn:fss:local:{cls.engine.keys['huawei_project_id']}:function:demo:hello:latest"

    @classmethod
    def tearDownClass(cls):
        cls.engine.stop()

    def test_async_invocations_are_listed_with_their_filters(self):
        fg = client(self.engine, self.engine.keys["huawei_secret_key"])
        names = [f.func_name for f in fg.list_functions(ListFunctionsRequest()).functions]
        self.assertIn("hello", names)

        accepted = fg.async_invoke_function(
            AsyncInvokeFunctionRequest(function_urn=self.urn, body={"name": "sdk"})
        )
        request_id = accepted.request_id
        self.assertEqual(len(request_id), 32)

        deadline = time.time() + 20
        while True:
            listed = fg.list_async_invocations(
                ListAsyncInvocationsRequest(function_urn=self.urn, request_id=request_id)
            )
            if listed.invocations and listed.invocations[0].status in ("SUCCESS", "FAIL"):
                break
            self.assertLess(time.time(), deadline, "the invocation never finished")
            time.sleep(0.1)
        record = listed.invocations[0]
        self.assertEqual((record.request_id, record.status), (request_id, "SUCCESS"))
        self.assertRegex(record.start_time, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
        self.assertEqual(listed.count, 1)

        by_status = fg.list_async_invocations(
            ListAsyncInvocationsRequest(function_urn=self.urn, status="FAIL", limit=10)
        )
        self.assertEqual(by_status.invocations, [])
        self.assertEqual(by_status.count, 0)

    def test_a_wrong_secret_key_is_refused(self):
        fg = client(self.engine, "not-the-secret-key")
        with self.assertRaises(exceptions.ClientRequestException) as refused:
            fg.list_async_invocations(ListAsyncInvocationsRequest(function_urn=self.urn))
        self.assertEqual(refused.exception.status_code, 403)
        self.assertEqual(refused.exception.error_code, "FSS.0403")

    def test_an_unknown_function_is_fss_0404(self):
        fg = client(self.engine, self.engine.keys["huawei_secret_key"])
        with self.assertRaises(exceptions.ClientRequestException) as missing:
            fg.list_async_invocations(
                ListAsyncInvocationsRequest(function_urn=self.urn.replace(":hello:", ":nope:"))
            )
        self.assertEqual((missing.exception.status_code, missing.exception.error_code), (404, "FSS.0404"))


if __name__ == "__main__":
    unittest.main()
