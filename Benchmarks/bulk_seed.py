"""Creates many users quickly through the public API, for the scale runs: AdminCreateUser over raw
HTTP keep-alive connections from several processes (boto3's own per-call overhead would make a million
users take hours). Users are named user0000000, user0000001, ... with an email attribute, exactly as
bench.py's seed() names them, and keep the temporary password (FORCE_CHANGE_PASSWORD)."""
import concurrent.futures
import http.client
import json
import multiprocessing
import time
from urllib.parse import urlparse

HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminCreateUser",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/cognito-idp/aws4_request, "
                     "SignedHeaders=host, Signature=00",
}


def _create_range(args):
    url, pool, password, indices = args
    parsed = urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    failures = 0
    for i in indices:
        name = f"user{i:07d}"
        body = json.dumps({"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS", "TemporaryPassword": password,
                           "UserAttributes": [{"Name": "email", "Value": f"{name}@example.com"}]})
        connection.request("POST", "/", body=body, headers=HEADERS)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200 and b"UsernameExistsException" not in answer:
            failures += 1
    connection.close()
    return failures


def _create_ranges(ranges):
    """One process: each of its ranges on a keep-alive connection of its own, all at once (threads)."""
    with concurrent.futures.ThreadPoolExecutor(len(ranges)) as threads:
        return sum(threads.map(_create_range, ranges))


def bulk_create(url, pool, password, start, count, processes=4, connections_per_process=4):
    """Creates users start..start+count-1; answers users per second. Raises if any creation failed. The server
    sees processes × connections_per_process concurrent connections."""
    streams = processes * connections_per_process
    chunks = [(url, pool, password, range(start + k, start + count, streams)) for k in range(streams)]
    per_process = [chunks[p::processes] for p in range(processes)]
    started = time.perf_counter()
    with multiprocessing.Pool(processes) as workers:
        failures = sum(workers.map(_create_ranges, per_process, chunksize=1))
    if failures:
        raise RuntimeError(f"{failures} AdminCreateUser calls failed during bulk seeding")
    return count / (time.perf_counter() - started)
