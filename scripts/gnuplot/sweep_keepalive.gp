# The keep-alive trade-off from sweep.csv: cold-start ratio against the idle
# GB-s the provider holds for it, one line per keep-alive policy (points in
# sweep order, i.e. by TTL), with 95 % confidence intervals when available.
# By hand: gnuplot -e "in='sweep.csv'; out='ka.png'" sweep_keepalive.gp
# One line per policy: add groupcol='functions[0].keepalive.policy'; groups='fixed other'
# (the policy names, space-separated, as they appear in that column).
if (!exists("in")) in = 'sweep.csv'
if (!exists("out")) out = 'sweep_keepalive.png'
if (!exists("title")) title = 'Keep-alive trade-off: cold starts against idle memory'
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
ci(name) = (v = column(name.'.ci95'), v == v ? v : 0)
# Label points with the swept value (second column unless labelcol is given).
if (!exists("labelcol")) { set datafile nocolumnheaders; stats in every ::0::0 using (labelcol = strcol(2), 0) nooutput; set datafile columnheaders }

set title title noenhanced
set xlabel 'idle memory held by the provider (GB-s over the measured window)'
set ylabel 'cold-start ratio'
set yrange [0:*]
set xrange [0:*]
set grid
set key top right
if (exists("groupcol") && exists("groups")) {
	set key title groupcol noenhanced
	plot for [g in groups] in using (strcol(groupcol) eq g ? column('idle_gb_s') : NaN):(column('cold_start_ratio')):(ci('cold_start_ratio')) with yerrorlines lw 2 pt 7 title g noenhanced, \
	     for [g in groups] '' using (strcol(groupcol) eq g ? column('idle_gb_s') : NaN):(column('cold_start_ratio')):(strcol(labelcol)) with labels offset 1.5,0.8 font ',8' notitle
} else {
	plot in using (column('idle_gb_s')):(column('cold_start_ratio')):(ci('cold_start_ratio')) with yerrorlines lw 2 pt 7 lc rgb '#2ca02c' title labelcol noenhanced, \
	     '' using (column('idle_gb_s')):(column('cold_start_ratio')):(strcol(labelcol)) with labels offset 1.5,0.8 font ',8' notitle
}
