import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { BadInputError } from './errors';
import { hasControlCharacters } from './names';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (`nextCursor`).' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The cursors of one list. A cursor is opaque to clients: base64url of `<list>:<sort key of the last item
 * returned>`. The list's name makes another list's cursor a 400, and `valid` checks the key's type (a UUID
 * for id-ordered lists, a DNS label for name-ordered ones), so a forged cursor is refused at the edge
 * rather than reaching the database as a value of the wrong type.
 */
export class PageCursor {
  constructor(
    readonly list: string,
    private readonly valid: (key: string) => boolean,
  ) {}

  encode(key: string): string {
    return Buffer.from(`${this.list}:${key}`, 'utf8').toString('base64url');
  }

  /** The sort key a cursor holds, undefined without a cursor; a cursor that is not this list's is a 400. */
  decode(cursor: string | undefined): string | undefined {
    if (cursor === undefined) return undefined;
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    const prefix = `${this.list}:`;
    const key = text.startsWith(prefix) ? text.slice(prefix.length) : '';
    // Re-encoding must give the same cursor: refuses padding, stray characters and bytes that are not UTF-8.
    if (!key || this.encode(key) !== cursor || hasControlCharacters(key) || !this.valid(key)) {
      throw new BadInputError('Invalid cursor', [{ field: 'cursor', code: 'invalid', message: `not a cursor of this list (${this.list}) from this API` }]);
    }
    return key;
  }
}

/** Takes `limit + 1` fetched rows and turns them into a page whose `nextCursor` is one of `cursor`'s list. */
export function toPage<R, T>(cursor: PageCursor, rows: R[], limit: number, keyOf: (row: R) => string, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(map),
    nextCursor: hasMore ? cursor.encode(keyOf(pageRows[pageRows.length - 1])) : null,
  };
}
