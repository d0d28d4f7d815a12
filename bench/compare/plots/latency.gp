# Latency percentile curves of one workload, HdrHistogram style: x is the
# percentile on a 1/(1 - p) log scale, so the tail gets room; y is the
# latency. Called by bench/compare/runnel_bench_report.py:
#
#   gnuplot -e "data='FILE'; out='X.svg'; title='...'; titles='Runnel/always ...'; \
#               colors='#1f77b4 ...'; dashes='1 ...'" latency.gp
#
# data: one block per curve (blocks separated by two blank lines), lines of
# "1/(1-p) latency_us"; curve i is titled, coloured and dashed by word i of
# titles, colors and dashes.
set terminal svg size 760,400 dynamic enhanced font 'sans,12' background rgb 'white'
set output out
set logscale xy
set xrange [1:*]
set xtics ('50%%' 2, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000, '99.999%%' 100000)
set format y '%.0s%c'
set grid xtics ytics mytics
set key outside right top
set title title noenhanced
set xlabel 'percentile'
set ylabel 'latency (µs)'
dash(i) = int(word(dashes, i))
plot for [i=1:words(titles)] data index (i - 1) using 1:2 with lines lw 2 \
     dt dash(i) lc rgb word(colors, i) title word(titles, i)
