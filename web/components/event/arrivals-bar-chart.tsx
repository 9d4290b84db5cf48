import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { verdictColors } from '../../lib/door-verdicts.js';

export interface ArrivalsDatum {
  /** The bucket's span, "20:15–20:20" (the axis shows its start). */
  range: string;
  Admitted: number;
  Refused: number;
}

/**
 * The bars themselves: admitted and refused scans stacked per bucket. Its own module so the charting
 * library loads with the chart, not with the event page (nor the door page).
 */
export function ArrivalsBarChart({ data, label, dimmed }: { data: ArrivalsDatum[]; label: string; dimmed: boolean }) {
  return (
    <BarChart
      h={220}
      data={data}
      dataKey="range"
      type="stacked"
      series={[
        { name: 'Admitted', color: verdictColors.admit.background },
        { name: 'Refused', color: verdictColors.refuse.background },
      ]}
      tickLine="none"
      gridAxis="x"
      xAxisProps={{ tickFormatter: (value: string) => value.split('–')[0] ?? value, minTickGap: 24 }}
      yAxisProps={{ allowDecimals: false, width: 36 }}
      maxBarWidth={28}
      accessibilityLayer={false}
      role="img"
      aria-label={label}
      data-testid="arrivals-chart"
      style={{ opacity: dimmed ? 0.6 : 1 }}
    />
  );
}

export default ArrivalsBarChart;
