# Serverless against always-on machines, from baseline.csv (written by
# `slsim report`): monthly cost of each against the traffic scale (1 = the
# scenario's arrival rates), both axes logarithmic; the break-even scale, when
# passed as be, is marked.
# By hand: gnuplot -e "in='baseline.csv'; out='baseline.png'" baseline.gp
if (!exists("in")) in = 'baseline.csv'
if (!exists("out")) out = 'baseline.png'
if (!exists("title")) title = 'Monthly cost against traffic: serverless and always-on VMs'
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
ci(name) = (v = column(name), v == v ? v : 0)

set title title
set xlabel 'traffic scale (x the scenario''s arrival rates, log scale)'
set ylabel 'monthly cost (USD per 730 h, log scale)'
set logscale xy
set grid xtics ytics mxtics mytics
set key top left
if (exists("be")) {
	set arrow 1 from first be, graph 0 to first be, graph 1 nohead dt 2 lc rgb '#555555'
	set label 1 sprintf(' break-even x%.3g', be) at first be, graph 0.95 tc rgb '#555555'
}
plot in using (column('traffic_scale')):(column('serverless_monthly_usd')):(ci('serverless_monthly_usd.ci95')) with yerrorlines lw 2 pt 7 lc rgb '#ff7f0e' title 'serverless (simulated)', \
     '' using (column('traffic_scale')):(column('vm_monthly_usd')) with linespoints lw 2 pt 5 lc rgb '#1f77b4' title 'always-on VMs'
