#!/usr/bin/env bash
# The Debian package made from this build tree (scripts/package --no-build: no second build):
# lintian finds no error; `dpkg -i` installs the layout the units and the compiled-in defaults
# expect, postinst makes the casegate user and /etc/casegate, the installed program accepts the
# installed example, and both manual pages read, with every command and every key in them;
# `dpkg -r` removes the program and leaves /etc/casegate and /var/lib/casegate as they were.
# Ends with the package purged and whatever the test made removed.
#
#   tests/scripts/deb_package.sh SOURCE_DIR BUILD_DIR
#
# Exits 77 (skipped) when not run as root, or when a casegate package is installed already
# (the test would replace it, then remove it).
set -euo pipefail
src=${1:?usage: deb_package.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: deb_package.sh SOURCE_DIR BUILD_DIR}

[ "$(id -u)" = 0 ] || { echo "skipped: dpkg -i needs root"; exit 77; }
status=$(dpkg-query -W -f='${db:Status-Status}' casegate 2>/dev/null || true)
if [ -n "$status" ] && [ "$status" != not-installed ]; then
    echo "skipped: a casegate package is installed on this machine"
    exit 77
fi

fail() { echo "FAIL: $*"; exit 1; }
for tool in lintian dpkg-shlibdeps man; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps installs it)"
done

start=$SECONDS
tmp=$(mktemp -d)
marker=.casegate-deb-test
# What was there before, so that the clean-up removes only what the test or the package made.
had_user=0 had_etc=0 had_var=0
id -u casegate >/dev/null 2>&1 && had_user=1
[ -e /etc/casegate ] && had_etc=1
[ -e /var/lib/casegate ] && had_var=1
cleanup() {
    dpkg -P casegate >/dev/null 2>&1 || true
    rm -f "/etc/casegate/$marker" "/var/lib/casegate/$marker"
    [ $had_etc = 1 ] || rm -rf /etc/casegate
    [ $had_var = 1 ] || rm -rf /var/lib/casegate
    if [ $had_user = 0 ]; then
        userdel casegate 2>/dev/null || true
        groupdel casegate 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# The package, and lintian on it (scripts/package fails on an error; checked here as well).
if ! deb=$(CASEGATE_BUILD_DIR=$build "$src/scripts/package" --no-build "$tmp/out" \
        2>"$tmp/package.log" | tail -n 1); then
    cat "$tmp/package.log"
    fail "scripts/package failed"
fi
grep -E '^[EW]: ' "$tmp/package.log" || true
! grep -q '^E: ' "$tmp/package.log" || fail "lintian reports errors"
[ -f "$deb" ] || fail "scripts/package printed no package: '$deb'"
echo "package: $deb ($(du -h "$deb" | cut -f1))"

dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; }

# The layout.
for f in /usr/bin/casegate \
    /usr/lib/systemd/system/casegate.service /usr/lib/systemd/system/casegate-console.service \
    /usr/lib/systemd/system/casegate-form.service \
    /usr/lib/sysusers.d/casegate.conf /usr/lib/tmpfiles.d/casegate.conf \
    /usr/share/doc/casegate/examples/casegate.toml /usr/share/doc/casegate/README.md \
    /usr/share/doc/casegate/copyright /usr/share/doc/casegate/changelog.Debian.gz \
    /usr/share/casegate/web/assets/console.css /usr/share/casegate/web/assets/form.js \
    /usr/share/casegate/web/assets/nhsuk-frontend.min.css \
    /usr/share/man/man8/casegate.8.gz /usr/share/man/man5/casegate.toml.5.gz; do
    [ -f "$f" ] || fail "not installed: $f"
done
[ -x /usr/bin/casegate ] || fail "/usr/bin/casegate is not executable"
for unit in casegate casegate-console casegate-form; do
    cmp -s "$src/systemd/$unit.service" "/usr/lib/systemd/system/$unit.service" ||
        fail "$unit.service differs from systemd/$unit.service"
done
for t in "$src"/notifier/templates/*.txt; do
    cmp -s "$t" "/usr/share/casegate/templates/$(basename "$t")" || fail "template $(basename "$t")"
done
cmp -s "$src/examples/casegate.toml" /usr/share/doc/casegate/examples/casegate.toml ||
    fail "the installed example differs from examples/casegate.toml"

# What postinst made: the system user, and /etc/casegate for root and the service's group.
entry=$(getent passwd casegate) || fail "no casegate user after dpkg -i"
IFS=: read -r _ _ uid _ _ home shell <<<"$entry"
[ "$uid" -lt 1000 ] || fail "casegate is not a system user (uid $uid)"
[ "$home" = /var/lib/casegate ] || fail "casegate's home is $home"
[ "${shell##*/}" = nologin ] || fail "casegate's shell is $shell"
[ "$(stat -c '%a %U %G' /etc/casegate)" = "750 root casegate" ] ||
    fail "/etc/casegate is $(stat -c '%a %U %G' /etc/casegate)"
echo "user: $entry"

# The installed program accepts the installed example, its secrets given as credentials.
mkdir "$tmp/credentials"
for name in smtp-password imap-referrals; do echo secret >"$tmp/credentials/$name"; done
CREDENTIALS_DIRECTORY=$tmp/credentials /usr/bin/casegate check-config \
    --config /usr/share/doc/casegate/examples/casegate.toml >"$tmp/check.log" 2>&1 ||
    { cat "$tmp/check.log"; fail "installed check-config on the installed example"; }

# The manual pages read without a warning, wide enough that no name is broken over a line,
# and name every command of the usage text and every key of the settings table.
for page in /usr/share/man/man8/casegate.8.gz /usr/share/man/man5/casegate.toml.5.gz; do
    MANWIDTH=250 man --warnings -l "$page" >"$tmp/page.txt" 2>"$tmp/page.err" ||
        fail "man -l $page"
    [ ! -s "$tmp/page.err" ] || { cat "$tmp/page.err"; fail "man warns about $page"; }
    cp "$tmp/page.txt" "$tmp/$(basename "$page" .gz).txt"
done
# Commands: the first one or two words of each entry ("run", "cases show|audit").
/usr/bin/casegate help | sed -n 's/^  \([a-z][a-z-]*\( [a-z][a-z|-]*\)\{0,1\}\).*/\1/p' \
    | sort -u >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -ge 10 ] || fail "too few commands in the usage text"
while read -r c; do
    re=$(printf 'casegate +%s' "$c" | sed 's/ \([a-z]\)/ +\1/g; s/|/\\|/g')
    grep -qE "$re" "$tmp/casegate.8.txt" || fail "casegate(8) lacks the command $c"
done <"$tmp/commands"
# Keys: one tagged paragraph for each row of the table, and each key's name in the text.
# shellcheck disable=SC2016 # the backquotes are the Markdown table's
/usr/bin/casegate config-reference --format markdown | sed -n 's/^| `\([^`]*\)` |.*/\1/p' \
    >"$tmp/keys"
rows=$(zcat /usr/share/man/man5/casegate.toml.5.gz | sed -n '/^\.SH SECTIONS/,/^\.SH /p' \
    | grep -c '^\.TP')
[ "$rows" = "$(wc -l <"$tmp/keys")" ] ||
    fail "casegate.toml(5) has $rows keys, the table $(wc -l <"$tmp/keys")"
[ "$rows" -ge 20 ] || fail "too few keys in the settings table"
while read -r k; do
    grep -qF "$k" "$tmp/casegate.toml.5.txt" || fail "casegate.toml(5) lacks the key $k"
done <"$tmp/keys"

# dpkg -r: the program goes; the configuration, the data and the user stay.
[ -d /var/lib/casegate ] || mkdir -m 0750 /var/lib/casegate  # as the units' StateDirectory= would
echo test >"/etc/casegate/$marker"
echo test >"/var/lib/casegate/$marker"
dpkg -r casegate >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -r failed"; }
for f in /usr/bin/casegate /usr/lib/systemd/system/casegate.service \
    /usr/share/man/man8/casegate.8.gz; do
    [ ! -e "$f" ] || fail "$f is still there after dpkg -r"
done
for f in "/etc/casegate/$marker" "/var/lib/casegate/$marker"; do
    [ -f "$f" ] || fail "dpkg -r removed $f"
done
id -u casegate >/dev/null 2>&1 || fail "dpkg -r removed the casegate user"

# dpkg -P keeps a directory that holds something, and removes one postinst or the test left empty.
rm -f "/var/lib/casegate/$marker"
dpkg -P casegate >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -P failed"; }
[ -f "/etc/casegate/$marker" ] || fail "dpkg -P removed /etc/casegate/$marker"
[ $had_var = 1 ] || [ ! -e /var/lib/casegate ] || fail "dpkg -P left the empty /var/lib/casegate"

echo "deb_package: passed in $((SECONDS - start)) s"
