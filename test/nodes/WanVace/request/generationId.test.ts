import { validateGenerationId } from '../../../../nodes/WanVace/request/generationId';
import { fakeContext } from '../fakeContext';

const { ctx } = fakeContext();
const validate = (raw: unknown) => validateGenerationId(ctx, 0, raw);
const messageOf = (raw: unknown) => {
	try {
		validate(raw);
	} catch (error) {
		return (error as Error).message;
	}
	return 'accepted';
};

describe('validateGenerationId', () => {
	it('accepts an AI/ML API ID as it is, trimmed; a number becomes its text', () => {
		expect(validate(' 3f1c2b6e-1a2b-4c3d-8e9f-0a1b2c3d4e5f:alibaba/wan2.2-vace-fun-a14b-inpainting \n')).toBe(
			'3f1c2b6e-1a2b-4c3d-8e9f-0a1b2c3d4e5f:alibaba/wan2.2-vace-fun-a14b-inpainting',
		);
		expect(validate(12345)).toBe('12345');
	});

	it.each([
		['', 'Generation ID is empty'],
		[undefined, 'Generation ID is empty'],
		[{ id: 'x' }, 'Generation ID is empty'],
		['a'.repeat(257), 'Generation ID is too long (257 characters; at most 256)'],
		['abc def', 'Generation ID "abc def" contains white space, which AI/ML API IDs never do'],
		['abc?x=1', 'Generation ID "abc?x=1" contains one of ? # & % \\, which AI/ML API IDs never do'],
		['../admin', 'Generation ID "../admin" contains a ./ or ../ path segment, which AI/ML API IDs never do'],
		['abc\u0007', 'Generation ID "abc\\u0007" contains control characters, which AI/ML API IDs never do'],
	])('refuses %j: %s', (raw, message) => {
		expect(messageOf(raw)).toBe(message);
	});
});
