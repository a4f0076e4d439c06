#!/usr/bin/env bash
# Mints a dev Shorter Loop token (RS256) with openssl: token.sh <private-key.pem> <subscriptionId> <initiative>.
set -euo pipefail
key=$1 sub=$2 ini=$3
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"https://openaudience.local/dev","aud":"openaudience","sub":"bench","upn":"bench","iat":%d,"exp":%d,"subscriptionId":%d,"initiatives":["%s"]}' \
    "$now" "$((now + 3600))" "$sub" "$ini" | b64url)
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$sig"
