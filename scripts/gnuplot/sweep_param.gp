# A sweep over one numeric parameter (memory size, TTL, provisioned level...),
# from sweep.csv: cost per million invocations (left axis) and p50 / p99
# latency (right axis) against the parameter, with 95 % confidence intervals
# as error bars when the sweep had several replications.
# By hand: gnuplot -e "in='sweep.csv'; out='memory.png'; xcol='functions[0].memory_mb'" sweep_param.gp
# xcol defaults to the second column (the first grid parameter).
# logy=1 / logy2=1: log scale on the cost (left) / latency (right) axis
# (slsim plot sets them when an axis's largest value is over 100 times its
# smallest, or with --log-y).
if (!exists("in")) in = 'sweep.csv'
if (!exists("out")) out = 'sweep_param.png'
if (out[strlen(out)-2:] eq 'svg') {
	set terminal svg size 900,540 dynamic enhanced font 'Sans,12' background rgb 'white'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 900,540 enhanced font 'Sans,10' background rgb 'white'
	} else {
		set terminal png size 900,540
	}
}
set output out
set datafile separator comma
set datafile columnheaders
# The header's second field: read the first line as data.
if (!exists("xcol")) { set datafile nocolumnheaders; stats in every ::0::0 using (xcol = strcol(2), 0) nooutput; set datafile columnheaders }
if (!exists("xlabel")) xlabel = xcol
if (!exists("title")) title = 'Cost and latency against '.xcol
# Half-widths are empty with one replication: draw no bar then.
ci(name) = (v = column(name.'.ci95'), v == v ? v : 0)

set title title noenhanced
set xlabel xlabel noenhanced
set ylabel 'cost per million invocations (USD)' tc rgb '#ff7f0e'
set y2label 'latency (s)' tc rgb '#1f77b4'
set ytics nomirror tc rgb '#ff7f0e'
set y2tics tc rgb '#1f77b4'
set yrange [0:*]
set y2range [0:*]
if (!exists("logy")) logy = 0
if (!exists("logy2")) logy2 = 0
if (logy) { set logscale y; set yrange [*:*]; set ylabel 'cost per million invocations (USD, log scale)' tc rgb '#ff7f0e' }
if (logy2) { set logscale y2; set y2range [*:*]; set y2label 'latency (s, log scale)' tc rgb '#1f77b4' }
# Log axes end at decades, where a curve may run under the key: put it above.
if (logy || logy2) { set key outside top center horizontal }
set grid
set key top center horizontal
plot in using (column(xcol)):(column('cost_usd.per_million')):(ci('cost_usd.per_million')) with yerrorlines lw 2 pt 7 lc rgb '#ff7f0e' title 'cost per million', \
     '' using (column(xcol)):(column('latency_s.p50')):(ci('latency_s.p50')) axes x1y2 with yerrorlines lw 2 pt 5 lc rgb '#1f77b4' title 'p50 latency', \
     '' using (column(xcol)):(column('latency_s.p99')):(ci('latency_s.p99')) axes x1y2 with yerrorlines lw 2 dt 2 pt 9 lc rgb '#1f77b4' title 'p99 latency'
