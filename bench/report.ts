/** Benchmark results: rows with ours, the baseline, their ratio and the target; as a table or JSON. */
import { MiB } from './config';

export type Unit = 'ms' | 'bytes' | 'count';

export interface Figure {
	value: number;
	unit: Unit;
	/** Shown instead of the formatted value. */
	text?: string;
}

export interface Row {
	measurement: string;
	ours: Figure;
	baseline?: Figure & { extrapolated?: boolean };
	/** e.g. { value: 48.2, of: 'loop/ours' }. */
	ratio?: { value: number; of: string };
	target?: string;
	/** undefined: informational, no target. */
	pass?: boolean;
}

export interface Section {
	title: string;
	/** What the baseline is, and anything needed to read the rows. */
	notes: string[];
	rows: Row[];
}

export const ms = (value: number, text?: string): Figure => ({ value, unit: 'ms', ...(text ? { text } : {}) });
export const bytes = (value: number): Figure => ({ value, unit: 'bytes' });
export const count = (value: number, text?: string): Figure => ({ value, unit: 'count', ...(text ? { text } : {}) });

export function formatValue(value: number, unit: Unit): string {
	switch (unit) {
		case 'ms':
			return Math.abs(value) >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
		case 'bytes':
			return `${(value / MiB).toFixed(1)} MiB`;
		case 'count':
			return Number.isInteger(value) ? String(value) : value.toFixed(2);
	}
}

const formatFigure = (figure: Figure): string => figure.text ?? formatValue(figure.value, figure.unit);

/** baseline / ours, or ours / baseline with of: 'ours/…'; undefined when it would divide by zero. */
export function ratio(numerator: number, denominator: number, of: string): Row['ratio'] {
	return denominator > 0 ? { value: numerator / denominator, of } : undefined;
}

export const median = (values: number[]): number => {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export const verdict = (pass: boolean | undefined): string => (pass === undefined ? '' : pass ? 'PASS' : 'FAIL');

const COLUMNS = ['Measurement', 'Ours', 'Baseline', 'Ratio', 'Target', 'Result'];

function cells(row: Row): string[] {
	return [
		row.measurement,
		formatFigure(row.ours),
		row.baseline ? `${row.baseline.extrapolated ? '~' : ''}${formatFigure(row.baseline)}` : '—',
		row.ratio ? `${row.ratio.value.toFixed(row.ratio.value >= 10 ? 1 : 2)}× ${row.ratio.of}` : '—',
		row.target ?? '—',
		verdict(row.pass),
	];
}

/** A plain-text table per section, with its notes under it. */
export function formatTable(sections: Section[]): string {
	const all = sections.flatMap((section) => section.rows.map(cells));
	const widths = COLUMNS.map((title, column) => Math.max(title.length, ...all.map((row) => row[column].length)));
	const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column])).join('  ').trimEnd();
	const rule = widths.map((width) => '-'.repeat(width)).join('  ');
	const out: string[] = [line(COLUMNS), rule];
	for (const section of sections) {
		out.push(`${section.title}`);
		for (const row of section.rows) out.push(line(cells(row)));
		for (const note of section.notes) out.push(`    ${note}`);
		out.push('');
	}
	return out.join('\n');
}

export const allPassed = (sections: Section[]): boolean =>
	sections.every((section) => section.rows.every((row) => row.pass !== false));
