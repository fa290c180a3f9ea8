# Latency distribution of a run, from latency_cdf.csv (columns latency_s,cdf,ccdf):
# the CDF (top, log x) and the complementary CDF, the share of requests slower
# than x (bottom, log x and log y), so that a 0.01 % tail of cold starts shows.
# By hand: gnuplot -e "in='results/demo/latency_cdf.csv'; out='cdf.png'" latency_cdf.gp
# The output format follows out's extension: .svg gives SVG, anything else PNG.
# Optional: p50, p99, p999 (seconds: marked and labelled; slsim plot passes the
# quantiles of the file's distribution), ymin (bottom of the CCDF's axis,
# default 1e-5), hasccdf=0 for an older file without the ccdf column (1 - cdf).
if (!exists("in")) in = 'latency_cdf.csv'
if (!exists("out")) out = 'latency_cdf.png'
if (!exists("title")) title = 'Latency distribution (all functions)'
if (!exists("ymin")) ymin = 1e-5
if (!exists("hasccdf")) hasccdf = 1
if (out[strlen(out)-2:] eq 'svg') {
	set terminal svg size 900,900 dynamic enhanced font 'Sans,12' background rgb 'white'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 900,900 enhanced font 'Sans,10' background rgb 'white'
	} else {
		set terminal png size 900,900
	}
}
set output out
set datafile separator comma
set datafile columnheaders
# The share above each bucket; none above the last (0) is drawn on the axis.
ccdf(x) = (c = hasccdf ? column('ccdf') : 1 - column('cdf'), c > 0 ? c : ymin)

set multiplot layout 2,1 title title noenhanced
set xlabel 'latency (s, log scale)'
set logscale x
set grid xtics mxtics ytics
set key bottom right

# Top: the CDF, reference lines at the median and the 99th percentile.
set ylabel 'fraction of completed requests with latency {/Symbol \243} x'
set yrange [0:1.02]
set ytics 0.1
set arrow 1 from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 3 lc rgb '#888888'
set arrow 2 from graph 0, first 0.99 to graph 1, first 0.99 nohead dt 3 lc rgb '#888888'
set label 1 'p50' at graph 0.01, first 0.52 tc rgb '#666666'
set label 2 'p99' at graph 0.01, first 0.97 tc rgb '#666666'
plot in using (column('latency_s')):(column('cdf')) with steps lw 2 lc rgb '#1f77b4' title 'empirical CDF'
unset arrow
unset label

# Bottom: the CCDF on a log axis, p50, p99 and p99.9 marked and labelled.
set ylabel 'fraction of completed requests with latency > x (log scale)'
set logscale y
set yrange [ymin:1.5]
set ytics auto
set format y '10^{%L}'
set key top right
if (exists("p50")) {
	set arrow 11 from p50, graph 0 to p50, first 0.5 nohead dt 2 lc rgb '#2ca02c'
	set label 11 sprintf('p50 %.4g s', p50) at p50, first 0.5 point pt 7 ps 1.2 lc rgb '#2ca02c' offset 1,0.6 tc rgb '#2ca02c'
}
if (exists("p99")) {
	set arrow 12 from p99, graph 0 to p99, first 0.01 nohead dt 2 lc rgb '#ff7f0e'
	set label 12 sprintf('p99 %.4g s', p99) at p99, first 0.01 point pt 7 ps 1.2 lc rgb '#ff7f0e' offset 1,0.6 tc rgb '#ff7f0e'
}
if (exists("p999")) {
	set arrow 13 from p999, graph 0 to p999, first 0.001 nohead dt 2 lc rgb '#d62728'
	set label 13 sprintf('p99.9 %.4g s', p999) at p999, first 0.001 point pt 7 ps 1.2 lc rgb '#d62728' offset 1,0.6 tc rgb '#d62728'
}
plot in using (column('latency_s')):(ccdf(0)) with steps lw 2 lc rgb '#9467bd' title 'complementary CDF (1 - CDF)'
unset multiplot
