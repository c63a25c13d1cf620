import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { ConsoleFile } from './console-files';

/** `reply.sendFile` (content type, ETag, Last-Modified, ranges) without @fastify/static's own routes. */
export async function registerConsoleFiles(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyStatic, { serve: false });
}

export function sendConsoleFile(reply: FastifyReply, file: ConsoleFile): FastifyReply {
  return reply.header('cache-control', file.cacheControl).sendFile(file.path, file.root, { cacheControl: false });
}
