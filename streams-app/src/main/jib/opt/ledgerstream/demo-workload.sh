#!/usr/bin/env bash
# The demo workload of compose.yaml, run from the engine's image (which also holds the producer SDK's CLI).
# It submits a few commands through the SDK, including a rejection and a cross-partition-sized transfer, then asks
# the engine's HTTP endpoint for the balances. Settings: DEMO_BOOTSTRAP, DEMO_REGISTRY,
# DEMO_ENGINE (host:port of the engine's HTTP endpoints).
set -euo pipefail

bootstrap="${DEMO_BOOTSTRAP:-kafka:9092}"
registry="${DEMO_REGISTRY:-http://registry:8080/apis/ccompat/v7}"
engine="${DEMO_ENGINE:-engine:8080}"

cli() {
  # exit code 1 is a rejected command (its outcome is printed): expected for some of the commands below
  java -cp @/app/jib-classpath-file io.ledgerstream.sdk.cli.LedgerCli \
    --bootstrap-servers "$bootstrap" --registry-url "$registry" --client-id demo-workload "$@" || [ $? -eq 1 ]
}

get() { # GET with bash only (the image has no curl): prints the response body
  local host="${engine%:*}" port="${engine##*:}"
  exec 3<>"/dev/tcp/$host/$port"
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" "$host" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}

touch /tmp/workload-started
cli submit open-account --account demo-alice --currency EUR
cli submit open-account --account demo-bob --currency EUR
cli submit deposit --account demo-alice --amount 10000 --currency EUR
cli submit withdraw --account demo-bob --amount 500 --currency EUR          # rejected: insufficient funds
cli submit transfer --account demo-alice --to demo-bob --amount 2500 --currency EUR
cli submit transfer --account demo-alice --to demo-nobody --amount 1 --currency EUR  # refused by the destination
echo "balances:"
get /accounts/demo-alice; echo
get /accounts/demo-bob; echo
touch /tmp/workload-done
