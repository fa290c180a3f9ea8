# Keep-alive policies compared (compare.csv of slsim run on a scenario with
# "compare"): each policy's cold-start ratio against the idle GB-s it holds,
# one point per policy, labelled with its name and cost, with 95 % intervals
# when available. Low and to the left is better; the label says what it costs.
# By hand: gnuplot -e "in='compare.csv'; out='compare.png'" compare.gp
# Optional: costcol (default cost_usd.monthly) and costunit (default '/month');
# n and t0 .. t<n-1>: the key's entry of each row (else labels beside the points);
# logy=1 and ymin: a log y axis from ymin (slsim plot sets them when the largest
# ratio is over 100 times the smallest positive one), ratios of 0 on its bottom.
if (!exists("in")) in = 'compare.csv'
if (!exists("out")) out = 'compare.png'
if (!exists("title")) title = 'Keep-alive policies: cold starts against idle memory'
if (!exists("costcol")) costcol = 'cost_usd.monthly'
if (!exists("costunit")) costunit = '/month'
if (!exists("logy")) logy = 0
if (!exists("ymin")) ymin = 1e-5
if (out[strlen(out)-2:] eq 'svg') {
	set terminal svg size 1100,600 dynamic enhanced font 'Sans,12' background rgb 'white'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 1100,600 enhanced font 'Sans,10' background rgb 'white'
	} else {
		set terminal png size 1100,600
	}
}
set output out
set datafile separator comma
set datafile columnheaders
ci(name) = (v = column(name.'.ci95'), v == v ? v : 0)
# On a log axis a ratio of 0 sits on the bottom of the axis.
y(r) = (logy && r <= 0) ? ymin : r
name(r) = sprintf("%s\n$%.4g%s%s", strcol('keepalive'), column(costcol), costunit, (logy && r <= 0) ? ' (no cold start)' : '')

set title title noenhanced
set xlabel 'idle memory held by the provider (GB-s over the measured window)'
set ylabel 'cold-start ratio'
set xrange [0:*]
set format x '%.3g'
set offsets graph 0.02, graph 0.05, graph 0.05, graph 0.02
set grid
if (logy) {
	set logscale y
	set yrange [ymin:1.5]
	set ylabel 'cold-start ratio (log scale)'
	set format y '10^{%L}'
} else {
	set yrange [0:*]
}
# slsim plot passes n and each row's key entry t0, t1, ... ("policy: cost"):
# one colour and marker per policy, named in the key (labels beside the
# points would overlap where policies land close together).
if (exists("n")) {
	pts = '7 5 9 11 13 15 6 4 8 10 12 14'
	colours = '#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #17becf #bcbd22'
	set key outside right top vertical Left reverse noenhanced title 'policy: cost' font ',9'
	plot for [i=0:n-1] in every ::i::i using (column('idle_gb_s')):(y(column('cold_start_ratio'))):(ci('idle_gb_s')):(ci('cold_start_ratio')) \
		with xyerrorbars pt int(word(pts, i % 12 + 1)) ps 1.6 lc rgb word(colours, i % 10 + 1) title value(sprintf('t%d', i))
} else {
	set key top right
	plot in using (column('idle_gb_s')):(y(column('cold_start_ratio'))):(ci('idle_gb_s')):(ci('cold_start_ratio')) \
		with xyerrorbars pt 7 ps 1.5 lc rgb '#2ca02c' title 'policy (95 % intervals)', \
	     '' using (column('idle_gb_s')):(y(column('cold_start_ratio'))):(name(column('cold_start_ratio'))) \
		with labels left offset 1,0.4 font ',9' noenhanced notitle
}
