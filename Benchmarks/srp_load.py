"""Drives full SRP sign-ins (InitiateAuth USER_SRP_AUTH, then RespondToAuthChallenge PASSWORD_VERIFIER)
against a cognito-idp endpoint from several processes, each on one keep-alive connection, and prints one
JSON line: requests/s (sign-ins), p50 and p99 latency in ms, errors. The client side of SRP is computed for
real with gmpy2 (Cognito's 3072-bit group), so each sign-in costs the client a modular exponentiation too."""
import argparse
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import random
import time
import urllib.parse

import gmpy2

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF")
N = gmpy2.mpz(N_HEX, 16)
G = gmpy2.mpz(2)


def pad_hex(value):
    text = format(value, "x") if not isinstance(value, str) else value
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdefABCDEF" else text


def hex_hash(hex_string):
    return hashlib.sha256(bytes.fromhex(hex_string)).hexdigest()


K = gmpy2.mpz(hex_hash("00" + N_HEX + "0" + "2"), 16)
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def timestamp(now):
    return f"{WEEKDAYS[now.weekday()]} {MONTHS[now.month - 1]} {now.day} {now:%H:%M:%S} UTC {now.year}"


def hkdf(ikm, salt):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


class Client:
    def __init__(self, url, pool_id, client_id, users, password):
        parts = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.pool_id, self.client_id, self.users, self.password = pool_id, client_id, users, password
        self.pool_name = pool_id.split("_", 1)[1]

    def call(self, operation, body):
        self.connection.request("POST", "/", body=json.dumps(body), headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService." + operation,
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/cognito-idp/aws4_request, "
                             "SignedHeaders=host, Signature=00"})
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{operation}: {response.status} {data[:200]!r}")
        return json.loads(data)

    def sign_in(self, username):
        a = gmpy2.mpz(random.getrandbits(256) | 1)
        big_a = gmpy2.powmod(G, a, N)
        challenge = self.call("InitiateAuth", {
            "AuthFlow": "USER_SRP_AUTH", "ClientId": self.client_id,
            "AuthParameters": {"USERNAME": username, "SRP_A": format(big_a, "x")}})
        params = challenge["ChallengeParameters"]
        big_b = gmpy2.mpz(params["SRP_B"], 16)
        user_id = params["USER_ID_FOR_SRP"]
        u = gmpy2.mpz(hex_hash(pad_hex(big_a) + pad_hex(big_b)), 16)
        inner = hashlib.sha256(f"{self.pool_name}{user_id}:{self.password}".encode()).hexdigest()
        x = gmpy2.mpz(hex_hash(pad_hex(params["SALT"]) + inner), 16)
        s = gmpy2.powmod((big_b - K * gmpy2.powmod(G, x, N)) % N, a + u * x, N)
        key = hkdf(bytes.fromhex(pad_hex(s)), bytes.fromhex(pad_hex(u)))
        stamp = timestamp(datetime.datetime.now(datetime.timezone.utc))
        # moto's secret block is not base64; decoding it leniently keeps the client running against it.
        block = base64.b64decode(params["SECRET_BLOCK"] + "==", validate=False)
        message = self.pool_name.encode() + user_id.encode() + block + stamp.encode()
        signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        result = self.call("RespondToAuthChallenge", {
            "ChallengeName": "PASSWORD_VERIFIER", "ClientId": self.client_id,
            "ChallengeResponses": {"USERNAME": params.get("USERNAME", username), "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
                                   "TIMESTAMP": stamp, "PASSWORD_CLAIM_SIGNATURE": signature}})
        if "AuthenticationResult" not in result:
            raise RuntimeError("no tokens")


def worker(args, url, deadline, queue):
    random.seed(os.getpid())
    client = Client(url, args.pool, args.client, args.users, args.password)
    latencies, errors = [], 0
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            client.sign_in(random.choice(args.users))
            latencies.append(time.perf_counter() - started)
        except Exception:
            errors += 1
            client = Client(url, args.pool, args.client, args.users, args.password)
    queue.put((latencies, errors))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="the endpoint, or several separated by commas (processes take them in turn)")
    parser.add_argument("--pool", required=True)
    parser.add_argument("--client", required=True)
    parser.add_argument("--users-file", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    with open(args.users_file) as f:
        args.users = [line.strip() for line in f if line.strip()]
    queue = multiprocessing.Queue()
    start = time.time()
    deadline = start + args.duration
    urls = args.url.split(",")
    processes = [multiprocessing.Process(target=worker, args=(args, urls[i % len(urls)], deadline, queue))
                 for i in range(args.processes)]
    for p in processes:
        p.start()
    results = [queue.get() for _ in processes]
    for p in processes:
        p.join()
    elapsed = time.time() - start
    latencies = sorted(l for r in results for l in r[0])
    errors = sum(r[1] for r in results)

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0

    print(json.dumps({"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": pct(0.5), "p99": pct(0.99),
                      "errors": errors}))


if __name__ == "__main__":
    main()
