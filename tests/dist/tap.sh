# Shared by the tests/dist scripts: TAP output that scripts/run-tests.sh
# counts ("ok N - what" / "not ok N - what", and the plan "1..N" at the end).
n=0
fails=0

# ok WHAT COMMAND...: one case, passing when COMMAND succeeds. Its output
# is shown (as TAP comments) only when it fails.
ok() {
	what=$1
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		printf '%s\n' "$out" | sed 's/^/# /'
		fails=$((fails + 1))
	fi
}

done_testing() {
	echo "1..$n"
	[ "$fails" -eq 0 ]
}
