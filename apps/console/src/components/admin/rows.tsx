import { useState, type DependencyList, type ReactNode } from 'react';
import { unwrap, type Schemas } from '@berth/client';
import { useApi } from '../../session';
import { ifMatch } from './forms';
import { useAction, usePaged, type Action, type Page, type Paged } from './hooks';
import { ActionResult, ConfirmButton, PagedView } from './widgets';

interface PagedTableProps<T> {
  list: Paged<T>;
  what: string;
  empty: ReactNode;
  caption: ReactNode;
  columns: readonly string[];
  children(item: T): ReactNode;
}

/** A paged list as a table: one column header per name, one row per item (`children` renders it, with its key). */
export function PagedTable<T>({ list, what, empty, caption, columns, children: row }: PagedTableProps<T>) {
  return (
    <PagedView list={list} what={what} empty={empty}>
      {(items) => (
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{items.map((item) => row(item))}</tbody>
        </table>
      )}
    </PagedView>
  );
}

export interface RowDelete<T> {
  /** Its notice or error belongs above the list (RemovableTable shows it there). */
  action: Action;
  run(row: T): Promise<boolean>;
}

/** A paged list whose rows can be deleted, one at a time; each deletion reloads the list. */
export interface RemovableList<T> {
  list: Paged<T>;
  remove: RowDelete<T>;
}

export function useRemovableList<T>({
  page,
  remove,
  removed,
  onRemoved,
  deps,
}: {
  page(cursor: string | undefined): Promise<Page<T>>;
  remove(row: T): Promise<unknown>;
  /** The notice once a row is deleted. */
  removed(row: T): string;
  onRemoved?(row: T): void;
  deps: DependencyList;
}): RemovableList<T> {
  const list = usePaged(page, deps);
  const action = useAction();
  const run = (row: T) =>
    action.run(async () => {
      await remove(row);
      onRemoved?.(row);
      list.reload();
    }, removed(row));
  return { list, remove: { action, run } };
}

/** The table of a RemovableList, with the last deletion's notice or error above it. */
export function RemovableTable<T>({ rows, ...table }: { rows: RemovableList<T> } & Omit<PagedTableProps<T>, 'list'>) {
  return (
    <>
      <ActionResult action={rows.remove.action} />
      <PagedTable list={rows.list} {...table} />
    </>
  );
}

/** A destructive button for one row: asks first (ConfirmButton), then runs the deletion. */
export function DeleteButton<T>({
  remove,
  row,
  label,
  question,
  children,
}: {
  remove: RowDelete<T>;
  row: T;
  label: string;
  question: string;
  children: ReactNode;
}) {
  return (
    <ConfirmButton label={label} question={question} busy={remove.action.busy} onConfirm={() => remove.run(row)}>
      {children}
    </ConfirmButton>
  );
}

/** The admin's collections of rows named by their `name`, whose `version` is their ETag. */
interface VersionedCollections {
  '/v1/clusters': Schemas['ClusterResponse'];
  '/v1/quota-tiers': Schemas['QuotaTierResponse'];
}
type Versioned = VersionedCollections[keyof VersionedCollections];

export interface VersionedRows<T> extends RemovableList<T> {
  /** "cluster": in the buttons' names and the notices. */
  noun: string;
  /** The row in the edit form, if any. */
  editing: T | undefined;
  edit(row: T): void;
  /** The edit form's key: each version of a row gets a fresh form. */
  editorKey: string | undefined;
  /** After a 412: the row as it is now into the form (or no form if the row is gone). */
  reloadEditing(): void;
  doneEditing(saved: boolean): void;
}

/** A paged list of versioned rows at `path`, each edited in one form and deleted under If-Match its version. */
export function useVersionedRows<P extends keyof VersionedCollections>(noun: string, path: P): VersionedRows<VersionedCollections[P]> {
  type T = VersionedCollections[P];
  const api = useApi();
  // The client types calls on the union of the collections (rows of either kind): `path`'s own is T.
  const collection = path as keyof VersionedCollections;
  const one = `${collection}/{name}` as const;
  const [editing, setEditing] = useState<T>();
  const { list, remove } = useRemovableList<Versioned>({
    page: (cursor) => unwrap(api.GET(collection, { params: { query: { cursor, limit: 100 } } })),
    remove: (row) => unwrap(api.DELETE(one, { params: { path: { name: row.name }, header: { 'if-match': ifMatch(row.version) } } })),
    removed: (row) => `${noun[0].toUpperCase()}${noun.slice(1)} ${row.name} deleted.`,
    onRemoved: (row) => {
      if (editing?.name === row.name) setEditing(undefined);
    },
    deps: [api, collection],
  }) as RemovableList<T>;
  return {
    noun,
    list,
    remove,
    editing,
    edit: setEditing,
    editorKey: editing && `${editing.name}@${editing.version}`,
    reloadEditing: () => {
      if (editing)
        void unwrap(api.GET(one, { params: { path: { name: editing.name } } })).then(
          (row) => setEditing(row as T),
          () => setEditing(undefined),
        );
    },
    doneEditing: (saved) => {
      setEditing(undefined);
      if (saved) list.reload();
    },
  };
}

/**
 * The table of versioned rows: Name (with the display name) first, the page's own `columns` (`children` renders
 * their cells), then the Edit and Delete buttons.
 */
export function VersionedTable<T extends Versioned>({
  rows,
  columns,
  children: cells,
  ...table
}: { rows: VersionedRows<T> } & Omit<PagedTableProps<T>, 'list'>) {
  return (
    <RemovableTable rows={rows} columns={['Name', ...columns, 'Actions']} {...table}>
      {(row) => (
        <tr key={row.name}>
          <td>
            <strong>{row.name}</strong>
            {row.displayName && <div className="muted">{row.displayName}</div>}
          </td>
          {cells(row)}
          <RowActions rows={rows} row={row} />
        </tr>
      )}
    </RemovableTable>
  );
}

function RowActions<T extends Versioned>({ rows, row }: { rows: VersionedRows<T>; row: T }) {
  const named = `${rows.noun} ${row.name}`;
  return (
    <td className="actions">
      <button type="button" className="secondary" aria-label={`Edit ${named}`} onClick={() => rows.edit(row)}>
        Edit
      </button>
      <DeleteButton remove={rows.remove} row={row} label={`Delete ${named}`} question={`Delete ${named}?`}>
        Delete
      </DeleteButton>
    </td>
  );
}
