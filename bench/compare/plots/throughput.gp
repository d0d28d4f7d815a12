# Throughput bars of one workload: per durability row, Runnel's bar beside
# Redis's. Called by bench/compare/runnel_bench_report.py:
#
#   gnuplot -e "data='FILE'; out='X.svg'; title='...'; ylabel='entries/s'" throughput.gp
#
# data: one line per durability row, "name runnel redis"; a server with no
# figure (it refused the workload) has "n/a".
set terminal svg size 560,360 dynamic enhanced font 'sans,12' background rgb 'white'
set output out
set datafile missing 'n/a'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set format y '%.0s%c'
set xtics nomirror scale 0
set grid ytics
set key top left
set title title noenhanced
set ylabel ylabel noenhanced
plot data using 2:xtic(1) title 'Runnel' lc rgb '#1f77b4', \
     '' using 3 title 'Redis' lc rgb '#d62728'
