/* 工作台: the small bar charts of the dashboard cards. Data from the page's json_script
   (#workbench-charts: [{id, title, rows: [{name, count, url}]}]); a bar opens its list. */
(function () {
  'use strict';
  var data = document.getElementById('workbench-charts');
  if (!data || !window.echarts) { return; }
  var charts = JSON.parse(data.textContent || '[]');
  charts.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) { return; }
    var rows = spec.rows || [];
    if (!rows.length) { el.style.display = 'none'; return; }
    el.style.height = Math.max(120, 26 * rows.length + 30) + 'px';
    var chart = echarts.init(el);
    chart.setOption({
      grid: {left: 8, right: 36, top: 4, bottom: 4, containLabel: true},
      xAxis: {type: 'value', minInterval: 1, axisLabel: {show: false}, splitLine: {show: false}},
      yAxis: {type: 'category', inverse: true, data: rows.map(function (r) { return r.name; })},
      series: [{type: 'bar', barMaxWidth: 18, cursor: 'pointer',
        data: rows.map(function (r) { return r.count; }), itemStyle: {color: '#0b3d6e'},
        label: {show: true, position: 'right'}}],
      tooltip: {formatter: function (p) { return window.yj.tooltip(p.name + ':' + p.value, '点击打开列表'); }}
    });
    chart.on('click', function (p) {
      var row = rows[p.dataIndex];
      if (row && row.url && row.url.charAt(0) === '/') { window.location.href = row.url; }
    });
    window.addEventListener('resize', function () { chart.resize(); });
  });
}());
