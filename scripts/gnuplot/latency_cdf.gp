# Latency CDF of a run (log x), from latency_cdf.csv (columns latency_s,cdf).
# By hand: gnuplot -e "in='results/demo/latency_cdf.csv'; out='cdf.png'" latency_cdf.gp
# The output format follows out's extension: .svg gives SVG, anything else PNG.
if (!exists("in")) in = 'latency_cdf.csv'
if (!exists("out")) out = 'latency_cdf.png'
if (!exists("title")) title = 'Latency distribution (all functions)'
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

set title title
set xlabel 'latency (s, log scale)'
set ylabel 'fraction of completed requests with latency {/Symbol \243} x'
set logscale x
set yrange [0:1.02]
set grid xtics mxtics ytics
set key bottom right
set ytics 0.1
# Reference lines at the median and the 99th percentile.
set arrow 1 from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 3 lc rgb '#888888'
set arrow 2 from graph 0, first 0.99 to graph 1, first 0.99 nohead dt 3 lc rgb '#888888'
set label 1 'p50' at graph 0.01, first 0.52 tc rgb '#666666'
set label 2 'p99' at graph 0.01, first 0.97 tc rgb '#666666'
plot in using (column('latency_s')):(column('cdf')) with steps lw 2 lc rgb '#1f77b4' title 'empirical CDF'
