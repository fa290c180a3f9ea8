# Per-function bars from summary.csv: cost (USD over the measured window) and
# cold-start ratio of each function (the ALL row, last, is left out; at most
# the first 40 functions are drawn).
# By hand: gnuplot -e "in='results/demo/summary.csv'; out='fn.png'" functions.gp
if (!exists("in")) in = 'summary.csv'
if (!exists("out")) out = 'functions.png'
if (!exists("title")) title = 'Cost and cold starts per function'
if (out[strlen(out)-2:] eq 'svg') {
	set terminal svg size 1000,520 dynamic enhanced font 'Sans,12' background rgb 'white'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 1000,520 enhanced font 'Sans,10' background rgb 'white'
	} else {
		set terminal png size 1000,520
	}
}
set output out
set datafile separator comma
set datafile columnheaders

stats in using (column('cost_usd.total')) nooutput
n = STATS_records - 1
if (n > 40) n = 40
set multiplot layout 1,2 title title
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid ytics
set xrange [-0.6:n - 0.4]
set yrange [0:*]
set xtics rotate by -35 left nomirror
set ylabel 'cost (USD, measured window)'
plot in every ::0::(n - 1) using 0:(column('cost_usd.total')):xtic(stringcolumn('function')) with boxes lc rgb '#ff7f0e' notitle, \
     '' every ::0::(n - 1) using 0:(column('cost_usd.total')):(sprintf('%.4g', column('cost_usd.total'))) with labels offset 0,0.8 notitle
set ylabel 'cold-start ratio'
set yrange [0:*]
plot in every ::0::(n - 1) using 0:(column('cold_start_ratio')):xtic(stringcolumn('function')) with boxes lc rgb '#9467bd' notitle, \
     '' every ::0::(n - 1) using 0:(column('cold_start_ratio')):(sprintf('%.3g', column('cold_start_ratio'))) with labels offset 0,0.8 notitle
unset multiplot
