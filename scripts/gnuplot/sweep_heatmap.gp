# A two-parameter sweep from sweep.csv as a heat map of one figure: a cell per
# point, coloured and labelled by the figure's value. The axes are the
# parameters' values in order (categories and uneven grids alike).
# By hand: gnuplot -e "in='sweep.csv'; out='heat.png'; xcol='functions[0].memory_mb'; \
#   ycol='functions[0].keepalive.ttl_s'; xs='128 256 512'; ys='60 600'; zcol='cost_usd.per_million'" sweep_heatmap.gp
# xs and ys list the values (space-separated, as written in the CSV).
if (!exists("in")) in = 'sweep.csv'
if (!exists("out")) out = 'sweep_heatmap.png'
if (!exists("zcol")) zcol = 'cost_usd.per_million'
if (out[strlen(out)-2:] eq 'svg') {
	set terminal svg size 900,640 dynamic enhanced font 'Sans,12' background rgb 'white'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 900,640 enhanced font 'Sans,10' background rgb 'white'
	} else {
		set terminal png size 900,640
	}
}
set output out
set datafile separator comma
set datafile columnheaders
if (!exists("title")) title = zcol.' over '.xcol.' and '.ycol
idx(v, list) = sum [i=1:words(list)] (word(list, i) eq v ? i : 0)
nx = words(xs)
ny = words(ys)

set title title noenhanced
set xlabel xcol noenhanced
set ylabel ycol noenhanced
set cblabel zcol noenhanced
set xrange [0.5:nx + 0.5]
set yrange [0.5:ny + 0.5]
set xtics () noenhanced
set ytics () noenhanced
do for [i=1:nx] { set xtics add (word(xs, i) i) }
do for [i=1:ny] { set ytics add (word(ys, i) i) }
set palette defined (0 '#fff5eb', 0.5 '#fd8d3c', 1 '#7f2704')
set style fill solid 1.0 noborder
unset key
set tics out nomirror
plot in using (idx(strcol(xcol), xs)):(idx(strcol(ycol), ys)):(0.5):(0.5):(column(zcol)) with boxxyerror fc palette, \
     '' using (idx(strcol(xcol), xs)):(idx(strcol(ycol), ys)):(sprintf('%.4g', column(zcol))) with labels font ',9'
