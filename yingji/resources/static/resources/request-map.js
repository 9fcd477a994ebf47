/* A request's destination and the sites it is (to be) supplied from, with a line for each leg;
   agreement partners (协议储备, orange diamonds) and, on the road, the reported track and the
   latest position (在途, an orange arrow). */
(function () {
  'use strict';
  var el = document.getElementById('request-map');
  var source = document.getElementById('request-map-data');
  if (!el || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  fetch(el.getAttribute('data-boundaries'), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      echarts.registerMap('lanzhou-request', geo);
      var dest = [data.destination.lon, data.destination.lat];
      var sites = {};
      data.legs.forEach(function (l) { sites[l.site] = l; });
      chart.setOption({
        tooltip: {formatter: function (p) { return window.yj.esc(p.name || ''); }},
        geo: {map: 'lanzhou-request', roam: true, nameProperty: 'name', label: {show: true, color: '#555'},
          itemStyle: {areaColor: '#f1f5f9', borderColor: '#0b3d6e'}},
        series: [
          {type: 'lines', coordinateSystem: 'geo', lineStyle: {color: '#0d6efd', width: 2, type: 'dashed'},
            data: data.legs.map(function (l) { return {coords: [[l.lon, l.lat], dest], name: l.site + ' → ' + l.distance_km + ' 公里'}; })},
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'rect', symbolSize: 12, itemStyle: {color: '#198754'},
            data: Object.keys(sites).map(function (k) { return {name: k, value: [sites[k].lon, sites[k].lat]}; })},
          {type: 'lines', coordinateSystem: 'geo', lineStyle: {color: '#6f42c1', width: 2, type: 'dotted'},
            data: (data.forces || []).map(function (f) { return {coords: [[f.lon, f.lat], dest], name: f.kind + ' ' + f.name + ' → ' + f.distance_km + ' 公里'}; })},
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'triangle', symbolSize: 13, itemStyle: {color: '#6f42c1'},
            data: (data.forces || []).map(function (f) { return {name: f.kind + ' ' + f.name, value: [f.lon, f.lat]}; })},
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'diamond', symbolSize: 13, itemStyle: {color: '#fd7e14'},
            data: (data.agreements || []).map(function (a) { return {name: '协议储备 ' + a.partner + ' ' + a.item + ' ' + a.quantity, value: [a.lon, a.lat]}; })},
          {type: 'lines', coordinateSystem: 'geo', polyline: true, lineStyle: {color: '#fd7e14', width: 3},
            data: (data.track || []).length > 1 ? [{coords: data.track, name: '在途轨迹'}] : []},
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'arrow', symbolSize: 18, itemStyle: {color: '#fd7e14'},
            data: data.position ? [{name: '在途 ' + (data.position.carrier || '') + ' ' + data.position.time + ' 定位',
              value: [data.position.lon, data.position.lat]}] : []},
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'pin', symbolSize: 30, itemStyle: {color: '#dc3545'},
            data: [{name: data.destination.name, value: dest}]}
        ]
      });
      el.setAttribute('data-loaded', String(data.legs.length));
    });
}());
