import { SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { GraphClient } from '../client.js';

/** A Messenger persona: a name and picture a message can be sent as (`personaId` on a send). */
export interface Persona {
  id: string;
  name: string;
  /** The picture URL as Meta holds it. */
  pictureUrl?: string;
}

const id = z.union([z.string(), z.number()]).transform(String);
const GraphPersona = z.looseObject({
  id,
  name: z.string(),
  profile_picture_url: z.string().optional(),
});
const Created = z.looseObject({ id });
const Deleted = z.looseObject({ success: z.boolean() });

const toPersona = (p: z.output<typeof GraphPersona>): Persona => ({
  id: p.id,
  name: p.name,
  ...(p.profile_picture_url ? { pictureUrl: p.profile_picture_url } : {}),
});

/** The Personas API of one Page (`/{page-id}/personas`, `/{persona-id}`). */
export function createPersonas(client: GraphClient, pageId: string) {
  return {
    /** Creates a persona; `pictureUrl` must be a public https image. Returns it with its id. */
    async create(input: { name: string; pictureUrl: string }): Promise<Persona> {
      const name = input.name?.trim();
      if (!name) throw new SwitchboardError('INVALID_REQUEST', 'a persona needs a name');
      let url: URL;
      try {
        url = new URL(input.pictureUrl);
      } catch {
        throw new SwitchboardError('INVALID_REQUEST', 'a persona needs a picture URL');
      }
      if (url.protocol !== 'https:')
        throw new SwitchboardError(
          'INVALID_REQUEST',
          'a persona picture must be an https URL Meta can fetch',
        );
      const { data } = await client.post(
        `/${pageId}/personas`,
        { name, profile_picture_url: input.pictureUrl },
        Created,
      );
      return { id: data.id, name, pictureUrl: input.pictureUrl };
    },
    /** Every persona of the Page. */
    async list(): Promise<Persona[]> {
      const personas: Persona[] = [];
      for await (const p of client.paginate(`/${pageId}/personas`, GraphPersona)) personas.push(toPersona(p));
      return personas;
    },
    /** One persona by id. */
    async get(personaId: string): Promise<Persona> {
      const { data } = await client.get(`/${personaId}`, GraphPersona, {
        fields: 'id,name,profile_picture_url',
      });
      return toPersona(data);
    },
    /** Deletes a persona; messages already sent as it keep its name. */
    async delete(personaId: string): Promise<void> {
      if (!/^\d+$/.test(personaId))
        throw new SwitchboardError('INVALID_REQUEST', `not a persona id: ${personaId}`);
      const { data } = await client.delete(`/${personaId}`, Deleted);
      if (!data.success)
        throw new SwitchboardError('TEMPORARY', 'Graph did not confirm the persona deletion');
    },
  };
}

export type Personas = ReturnType<typeof createPersonas>;
