// The dashboard's charts, drawn by Apache ECharts (a WebJar) on a canvas (its SVG renderer writes style attributes,
// which the Content-Security-Policy refuses). Each chart is an element with data-chart (bar or
// line), data-labels and data-values (JSON arrays) and, for bars, data-colors; its text alternative is its
// aria-label and the table of the same figures beside it. No inline script: the page carries only data.
(function () {
  var palette = { Critical: '#8b0000', High: '#c0392b', Medium: '#b9770e', Low: '#1e7b3c', None: '#6b7380' };
  function draw(el) {
    if (!window.echarts || el.getAttribute('data-drawn')) {
      return;
    }
    var labels = JSON.parse(el.getAttribute('data-labels') || '[]');
    var values = JSON.parse(el.getAttribute('data-values') || '[]');
    var kind = el.getAttribute('data-chart');
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    var series = {
      type: kind,
      data: values.map(function (v, i) {
        var c = palette[labels[i]];
        return c ? { value: v, itemStyle: { color: c } } : v;
      }),
      barMaxWidth: 48,
      label: { show: kind === 'bar', position: 'top' }
    };
    if (kind === 'line') {
      series.showSymbol = true;
      series.areaStyle = { opacity: 0.15 };
      series.itemStyle = { color: '#0b5cad' };
    }
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      series: [series]
    });
    el.setAttribute('data-drawn', 'true');
    window.addEventListener('resize', function () { chart.resize(); });
  }
  function drawAll() {
    document.querySelectorAll('[data-chart]').forEach(draw);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
  document.addEventListener('htmx:afterSettle', drawAll);
})();
