#!/usr/bin/env bash
# scripts/dev-services in a checkout whose parent directory the servers' users cannot traverse
# (a checkout in root's home, or in any mode-700 directory): with no CASEGATE_VAR set, the
# private PostgreSQL, Dovecot and SMTP receiver must start there, answer, and stop.
#
#   tests/scripts/dev_services_private_dir.sh SOURCE_DIR
#
# Uses its own ports (CASEGATE_PORT_BASE + 500, or the next free set), so it runs beside the
# services scripts/test started. Exits 77 (skipped) when not run as root.
set -euo pipefail
src=${1:?usage: dev_services_private_dir.sh SOURCE_DIR}

[ "$(id -u)" = 0 ] || { echo "skipped: dev-services runs the servers as their own users (needs root)"; exit 77; }
for u in postgres dovecot; do
    id -u "$u" >/dev/null 2>&1 || { echo "skipped: no $u user (scripts/install-deps)"; exit 77; }
done

busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
base=
for step in 500 600 700 800 900; do
    b=$((${CASEGATE_PORT_BASE:-25400} + step))
    if ! busy $((b + 32)) && ! busy $((b + 43)) && ! busy $((b + 25)); then base=$b; break; fi
done
[ -n "$base" ] || { echo "FAIL: no free set of ports found"; exit 1; }

unset CASEGATE_VAR
tmp=$(mktemp -d)
chmod 700 "$tmp"
checkout=$tmp/checkout
mkdir "$checkout"
cp -a "$src/scripts" "$checkout/scripts"

ds() { env -u CASEGATE_VAR CASEGATE_PORT_BASE="$base" "$checkout/scripts/dev-services" "$@"; }

cleanup() {
    ds stop >/dev/null 2>&1 || true
    # The state kept outside the checkout, if any.
    if [ -L "$checkout/var" ]; then
        local state
        state=$(readlink -f "$checkout/var")
        if [ -n "$state" ] && [ "$state" != / ]; then rm -rf "$state"; fi
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }

echo "checkout in $checkout (parent mode 700), ports from $base"
ds start || fail "dev-services start failed in a checkout under a mode-700 directory"
eval "$(ds env)"

# ./var leads to the state, wherever it is kept (scripts/fuzz and the docs rely on ./var).
[ "$(realpath "$checkout/var")" = "$CASEGATE_VAR" ] || fail "./var does not lead to $CASEGATE_VAR"

answer=$(psql "$CASEGATE_PG_CONNINFO" -XAtc 'SELECT 40 + 2') || fail "PostgreSQL does not answer"
[ "$answer" = 42 ] || fail "PostgreSQL answered '$answer'"

msg=$tmp/message.eml
printf 'From: a@casegate.test\r\nTo: referrals@casegate.test\r\nSubject: private dir\r\nMessage-ID: <private-dir@casegate.test>\r\n\r\nHello.\r\n' >"$msg"
ds deliver referrals "$msg" || fail "dev-services deliver failed"
status=$(curl -sS --max-time 20 --user referrals:secret-referrals "$CASEGATE_IMAP_URL/" \
    -X 'STATUS INBOX (MESSAGES)') || fail "IMAP does not answer a login"
[[ $status == *"MESSAGES 1"* ]] || fail "IMAP STATUS answered '$status'"

curl -sS --max-time 20 "$CASEGATE_SMTP_URL" --mail-from a@casegate.test \
    --mail-rcpt b@casegate.test -T "$msg" || fail "SMTP does not accept a message"
received=$(find "$CASEGATE_SMTP_MAILDIR/new" -type f | wc -l)
[ "$received" = 1 ] || fail "the SMTP receiver kept $received messages, not 1"

ds stop || fail "dev-services stop failed"
for port in "$CASEGATE_PG_PORT" "$CASEGATE_IMAP_PORT" "$CASEGATE_SMTP_PORT"; do
    if busy "$port"; then fail "port $port still answers after stop"; fi
done
echo "ok: PostgreSQL, IMAP and SMTP answered from a checkout under a mode-700 directory"
