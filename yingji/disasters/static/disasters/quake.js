/* 地震烈度快速估算: the districts coloured by estimated intensity, the epicentre marked. */
(function () {
  'use strict';
  var el = document.getElementById('quake-map');
  var dataEl = document.getElementById('quake-data');
  if (!el || !dataEl || !window.echarts) { return; }
  var data = JSON.parse(dataEl.textContent);
  fetch(el.getAttribute('data-geojson'), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      echarts.registerMap('lanzhou-quake', geo);
      var chart = echarts.init(el);
      var esc = window.yj.esc;  // the one escaping helper (static/yingji/yingji.js)
      chart.setOption({
        tooltip: {formatter: function (p) {
          if (p.seriesType === 'scatter') { return '震中'; }
          var d = p.data || {};
          return esc(p.name) + ':' + (d.value || '—') + '度(上限 ' + d.upper + ',下限 ' + d.lower + ')';
        }},
        visualMap: {min: 4, max: 10, calculable: false, orient: 'horizontal', left: 10, bottom: 10,
          text: ['高', '低'], inRange: {color: ['#fff5d6', '#ffc04d', '#ff7a1a', '#d7191c', '#7a0000']}},
        geo: {map: 'lanzhou-quake', roam: true, nameProperty: 'name', label: {show: true}},
        series: [
          {type: 'map', geoIndex: 0, data: data.rows},
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'pin', symbolSize: 36,
            itemStyle: {color: '#000'}, data: [data.epicentre]}
        ]
      });
    });
}());
