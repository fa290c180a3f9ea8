# Time series of a run, from timeseries.csv (t_start_s,t_end_s,arrivals,cold_starts,
# busy_instances,idle_instances,cost_usd): arrival rate, busy and idle instances,
# cold starts and cost per hour, one panel each, against time since the start.
# By hand: gnuplot -e "in='results/demo/timeseries.csv'; out='ts.png'" timeseries.gp
if (!exists("in")) in = 'timeseries.csv'
if (!exists("out")) out = 'timeseries.png'
if (!exists("title")) title = 'Workload and platform over time'
if (out[strlen(out)-2:] eq 'svg') {
	set terminal svg size 900,1000 dynamic enhanced font 'Sans,12' background rgb 'white'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 900,1000 enhanced font 'Sans,10' background rgb 'white'
	} else {
		set terminal png size 900,1000
	}
}
set output out
set datafile separator comma
set datafile columnheaders

# Time unit chosen from the length of the run.
stats in using (column('t_end_s')) nooutput
tmax = STATS_max
if (tmax > 3 * 86400) { tu = 86400.0; tname = 'days' } else { if (tmax > 3 * 3600) { tu = 3600.0; tname = 'hours' } else { if (tmax > 180) { tu = 60.0; tname = 'minutes' } else { tu = 1.0; tname = 's' } } }
mid(a, b) = (a + b) / 2 / tu
w = 'column("t_end_s") - column("t_start_s")'
width(x) = column('t_end_s') - column('t_start_s')

set multiplot layout 4,1 title title
set grid
set xrange [0:tmax / tu]
set lmargin 12
set format x ''
set ylabel 'arrivals (req/s)'
plot in using (mid(column('t_start_s'), column('t_end_s'))):(column('arrivals') / width(0)) with steps lw 1.5 lc rgb '#1f77b4' notitle
set ylabel 'instances'
set key top right horizontal
plot in using (mid(column('t_start_s'), column('t_end_s'))):(column('busy_instances')) with steps lw 1.5 lc rgb '#d62728' title 'busy (incl. initialising)', \
     '' using (mid(column('t_start_s'), column('t_end_s'))):(column('idle_instances')) with steps lw 1.5 lc rgb '#2ca02c' title 'idle (warm)'
set ylabel 'cold starts per interval'
plot in using (mid(column('t_start_s'), column('t_end_s'))):(column('cold_starts')) with impulses lw 2 lc rgb '#9467bd' notitle
set format x '%g'
set xlabel sprintf('time since start (%s)', tname)
set ylabel 'cost (USD per hour)'
plot in using (mid(column('t_start_s'), column('t_end_s'))):(column('cost_usd') / width(0) * 3600) with steps lw 1.5 lc rgb '#ff7f0e' notitle
unset multiplot
