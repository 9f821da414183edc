"""N concurrent clients each GET /v7/agents M times; every response must be 200 and equal
to the first one (same agents, same bytes). Usage: concurrent_check.py BASE TOKEN N M"""
import sys
import threading
import time
import urllib.request

base, token, clients, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def fetch():
    request = urllib.request.Request(base + "/v7/agents", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


status, reference = fetch()
assert status == 200 and b'"agentId":"3"' in reference and b'"Singapore"' in reference, "bad reference response"
failures = []
lock = threading.Lock()


def client():
    for _ in range(rounds):
        try:
            status, body = fetch()
            if status != 200 or body != reference:
                with lock:
                    failures.append(f"status {status}, {len(body)} bytes")
        except Exception as error:  # noqa: BLE001 - every failure counts
            with lock:
                failures.append(repr(error))


start = time.time()
threads = [threading.Thread(target=client) for _ in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
total = clients * rounds
print(f"{total} requests from {clients} concurrent clients in {time.time() - start:.2f}s: "
      f"{total - len(failures)} correct, {len(failures)} wrong")
if failures:
    print("first failures:", failures[:5])
    sys.exit(1)
