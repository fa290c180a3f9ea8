# A sweep over a categorical parameter (providers), from sweep.csv: monthly
# cost and p99 latency of each value, side by side, with 95 % confidence
# intervals when available.
# By hand: gnuplot -e "in='sweep.csv'; out='prov.png'" sweep_provider.gp
# xcol (default: second column) names the category column; costcol the cost
# figure (default cost_usd.monthly; give costcol='cost_usd.total' for files
# without it) and costlabel its axis label. logy=1 / logy2=1: log scale on
# the cost / p99 panel (slsim plot sets them when a panel's largest value is
# over 100 times its smallest, or with --log-y).
if (!exists("in")) in = 'sweep.csv'
if (!exists("out")) out = 'sweep_provider.png'
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
stats in using 1 nooutput
n = STATS_records
# The header's second field: read the first line as data.
if (!exists("xcol")) { set datafile nocolumnheaders; stats in every ::0::0 using (xcol = strcol(2), 0) nooutput; set datafile columnheaders }
if (!exists("costcol")) costcol = 'cost_usd.monthly'
if (!exists("costlabel")) costlabel = 'monthly cost (USD, 730 h)'
# costscale multiplies the cost column, e.g. 730 h / window to make a monthly
# figure out of cost_usd.total.
if (!exists("costscale")) costscale = 1
if (!exists("title")) title = 'Cost and p99 latency per '.xcol
if (!exists("logy")) logy = 0
if (!exists("logy2")) logy2 = 0
ci(name) = (v = column(name.'.ci95'), v == v ? v : 0)

set multiplot layout 1,2 title title noenhanced
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid ytics
set xrange [-0.6:n - 0.4]
set yrange [0:*]
set xtics rotate by -30 left nomirror noenhanced
set ylabel costlabel
# On a log axis the bars rise from the bottom of the axis, not from 0.
if (logy) { set logscale y; set yrange [*:*]; set ylabel costlabel.' (log scale)' }
plot in using 0:(column(costcol) * costscale):xtic(strcol(xcol)) with boxes lc rgb '#ff7f0e' notitle, \
     '' using 0:(column(costcol) * costscale):(ci(costcol) * costscale) with yerrorbars lc rgb 'black' pt 0 notitle, \
     '' using 0:(column(costcol) * costscale):(sprintf('%.4g', column(costcol) * costscale)) with labels offset 0,0.8 notitle
set ylabel 'p99 latency (s)'
unset logscale y
set yrange [0:*]
if (logy2) { set logscale y; set yrange [*:*]; set ylabel 'p99 latency (s, log scale)' }
plot in using 0:(column('latency_s.p99')):xtic(strcol(xcol)) with boxes lc rgb '#1f77b4' notitle, \
     '' using 0:(column('latency_s.p99')):(ci('latency_s.p99')) with yerrorbars lc rgb 'black' pt 0 notitle, \
     '' using 0:(column('latency_s.p99')):(sprintf('%.4g', column('latency_s.p99'))) with labels offset 0,0.8 notitle
unset multiplot
