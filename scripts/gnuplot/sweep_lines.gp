# A sweep over a numeric parameter and a categorical one (variants, providers,
# policies), from sweep.csv: monthly cost against the numeric parameter, one
# line per value of the categorical one, with 95 % confidence intervals when
# available; where two lines cross is where one option becomes cheaper.
# By hand: gnuplot -e "in='sweep.csv'; out='lines.png'; xcol='functions[0].arrivals.rate_per_s'; groupcol='variant'; groups='a b'" sweep_lines.gp
# costcol names the cost figure (default cost_usd.monthly; costscale
# multiplies it, e.g. 730 h / window for cost_usd.total); logx / logy (default
# 1) put that axis on a log scale (all its values must be > 0).
if (!exists("in")) in = 'sweep.csv'
if (!exists("out")) out = 'sweep_lines.png'
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
if (!exists("costcol")) costcol = 'cost_usd.monthly'
if (!exists("costlabel")) costlabel = 'monthly cost (USD, 730 h)'
if (!exists("costscale")) costscale = 1
if (!exists("logx")) logx = 1
if (!exists("logy")) logy = 1
if (!exists("title")) title = 'Monthly cost against '.xcol.', per '.groupcol
ci(name) = (v = column(name.'.ci95'), v == v ? v : 0)

set title title noenhanced
set xlabel xcol.(logx ? ' (log scale)' : '') noenhanced
set ylabel costlabel.(logy ? ', log scale' : '')
if (logx) set logscale x
if (logy) set logscale y
set grid xtics ytics mxtics mytics
set key top left title groupcol noenhanced
plot for [g in groups] in using (strcol(groupcol) eq g ? column(xcol) : NaN):(column(costcol) * costscale):(ci(costcol) * costscale) \
	with yerrorlines lw 2 pt 7 title g noenhanced
