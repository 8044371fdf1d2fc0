#!/bin/sh
# The Netty example, with Netty on the class path (it is a provided dependency of weir-netty).
#   netty/example.sh server [--port 9999] [--count N] EXPRESSION...   # UDP echo server on 127.0.0.1
#   netty/example.sh send PORT MESSAGE...                            # one datagram per message
# Builds weir-netty and its modules quietly first (Maven, offline), then runs java on target/classes plus
# target/classpath.txt (written by the dependency plugin at package time: compile and provided scopes).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mvn -B -q -o -pl netty -am package -DskipTests >&2
cp="$root/netty/target/classes:$(cat "$root/netty/target/classpath.txt")"
what=$1
[ $# -gt 0 ] && shift
case "$what" in
  server) exec java -cp "$cp" io.weir.netty.example.UdpEchoServer "$@" ;;
  send) exec java -cp "$cp" io.weir.netty.example.UdpSend "$@" ;;
  *) echo "usage: netty/example.sh server [--port N] [--count N] EXPRESSION... | send PORT MESSAGE..." >&2; exit 2 ;;
esac
