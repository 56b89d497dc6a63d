# porttop-flows.awk - one line per flow record of ipfixDump's output, with
# the processes porttop put on each end (README.md, "Many hosts"):
#
#   ipfixDump -e contrib/porttop-ipfix.xml --in archive.ipfix |
#       awk -v port=5432 -v since="$(date -u -d '1 hour ago' '+%F %T')" \
#           -f contrib/porttop-flows.awk
#
# port:  only records whose destination (with biflows: the responder) is
#        this port; since: only those that started at or after this UTC time
#        ("YYYY-MM-DD hh:mm:ss"); both optional.  Prints the start, the
#        observation domain (the host, as --ipfix-domain set it), protocol,
#        source > destination, Zeek's conn_state, then each end's process
#        as comm[pid] ("-" when unknown).

function owner(end,    c, p) {
	c = f["porttop" end "Comm"]
	p = f["porttop" end "Pid"]
	return (p == "" || p == 0) ? "-" : (c == "" ? "?" : c) "[" p "]"
}

function flush() {
	if (("flowStartMilliseconds" in f) &&
	    (port == "" || f["destinationTransportPort"] == port) &&
	    (since == "" || f["flowStartMilliseconds"] >= since))
		printf "%s domain %s proto %s %s:%s > %s:%s %s %s > %s\n",
		    f["flowStartMilliseconds"], dom, f["protocolIdentifier"],
		    f["sourceIPv4Address"] f["sourceIPv6Address"],
		    f["sourceTransportPort"],
		    f["destinationIPv4Address"] f["destinationIPv6Address"],
		    f["destinationTransportPort"], f["porttopConnState"],
		    owner("Source"), owner("Destination")
	delete f
}

/observation domain id:/ { dom = $NF }
/^--- / { flush() }
/^\t\(/ {	# "\t(ID) name : value", strings as "(len: N) value"
	l = $0
	sub(/^\t\([0-9\/]+\) */, "", l)
	n = l
	sub(/ : .*/, "", n)
	v = l
	sub(/^[^:]* : /, "", v)
	sub(/^\(len: [0-9]+\) ?/, "", v)
	f[n] = v
}
END { flush() }
