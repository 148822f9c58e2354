#!/usr/bin/env bash
# The packaged binary in a clean Debian root: Scripts/package.sh builds the tarball; a minimal bookworm root
# (debootstrap, cached in .build-root/) gets it through Scripts/install-in-image.sh, the Dockerfile's steps;
# then Cognate runs there as the image's user, with examples/seed.yaml, and a client outside checks it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tarball="$(bash Scripts/package.sh)"
chroot_dir="$root/.build-root/bookworm"
if [ ! -x "$chroot_dir/bin/sh" ]; then
    command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
    rm -rf "$chroot_dir"
    mkdir -p "$(dirname "$chroot_dir")"
    debootstrap --variant=minbase bookworm "$chroot_dir" http://deb.debian.org/debian >/dev/null
fi
# No Swift toolchain in the root: nothing of it may be found there.
if [ -n "$(find "$chroot_dir" -name 'libswiftCore*' -print -quit)" ]; then echo "the clean root has Swift libraries" >&2; exit 1; fi
# A container has /proc (Swift reads its arguments there), and so does the root while the test runs.
mountpoint -q "$chroot_dir/proc" || mount -t proc proc "$chroot_dir/proc"
cleanup() { kill "${pid:-0}" 2>/dev/null || true; umount "$chroot_dir/proc" 2>/dev/null || true; }
trap cleanup EXIT
cp "$tarball" "$chroot_dir/tmp/cognate.tar.gz"
cp Scripts/install-in-image.sh examples/seed.yaml Tests/CognateGeoIPTests/Fixtures/test-city.mmdb "$chroot_dir/tmp/"
chroot "$chroot_dir" /bin/sh /tmp/install-in-image.sh /tmp/cognate.tar.gz
port=$((20000 + RANDOM % 20000))
chroot --userspec=10001:10001 "$chroot_dir" /usr/local/bin/cognate --version
chroot --userspec=10001:10001 "$chroot_dir" /usr/bin/env HOME=/data COGNATE_HOST=127.0.0.1 COGNATE_PORT=$port \
    COGNATE_DB=/data/cognate.sqlite COGNATE_SEED=/tmp/seed.yaml COGNATE_GEOIP_DATABASE=/tmp/test-city.mmdb /usr/local/bin/cognate > "$root/.build-root/cognate.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    chroot --userspec=10001:10001 "$chroot_dir" /usr/bin/env COGNATE_PORT=$port /usr/local/bin/cognate --check-health && break
    sleep 0.1
done
chroot --userspec=10001:10001 "$chroot_dir" /usr/bin/env COGNATE_PORT=$port /usr/local/bin/cognate --check-health
"$root/.venv-e2e/bin/python" - "$port" <<'PY'
import sys, boto3
cognito = boto3.client("cognito-idp", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1",
                       aws_access_key_id="x", aws_secret_access_key="x")
result = cognito.initiate_auth(ClientId="exampleweb1", AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "alice", "PASSWORD": "Example-Passw0rd"})
assert result["AuthenticationResult"]["AccessToken"]
print("package: the clean root serves the seeded pool")
# libxml2 (linked in) reads a SAML provider's metadata; the pool's own certificate stands in for the IdP's.
pool = cognito.create_user_pool(PoolName="package-saml")["UserPool"]["Id"]
certificate = cognito.get_signing_certificate(UserPoolId=pool)["Certificate"]
metadata = ('<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.test">'
            '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing">'
            '<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>' + certificate +
            '</X509Certificate></X509Data></KeyInfo></KeyDescriptor><SingleSignOnService '
            'Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>'
            '</IDPSSODescriptor></EntityDescriptor>')
provider = cognito.create_identity_provider(UserPoolId=pool, ProviderName="PackageIdP", ProviderType="SAML",
                                            ProviderDetails={"MetadataFile": metadata})["IdentityProvider"]
assert provider["ProviderDetails"]["SSORedirectBindingURI"] == "https://idp.example.test/sso"
print("package: SAML metadata is read in the clean root")
# libmaxminddb (linked in) places a session's address with the tests' geo-IP database.
pool = cognito.create_user_pool(PoolName="package-geoip", UserPoolTier="ESSENTIALS")["UserPool"]["Id"]
cognito.set_user_pool_session_configuration(UserPoolId=pool, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 5})
client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
cognito.admin_create_user(UserPoolId=pool, Username="geo", MessageAction="SUPPRESS")
cognito.admin_set_user_password(UserPoolId=pool, Username="geo", Password="Example-Passw0rd", Permanent=True)
cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": "geo", "PASSWORD": "Example-Passw0rd"})
[session] = cognito.admin_list_user_sessions(UserPoolId=pool, Username="geo")["Sessions"]
assert session["LastLocation"] == {"City": "Loopback City", "Country": "Testland"}, session
print("package: a geo-IP database places sessions in the clean root")
PY
kill $pid
wait $pid || true
grep -q "Cognate stopped" "$root/.build-root/cognate.log"
# The data belongs to the image's user, and no one else may read it.
chroot "$chroot_dir" stat -c "%U:%a" /data/cognate.sqlite | grep -q "^cognate:600$"
echo "package: $tarball runs in a clean Debian root"
