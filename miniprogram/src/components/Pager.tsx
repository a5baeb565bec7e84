// Previous / next page buttons under a paged list, shown only when there is more than one page.
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';

const messages = {
  prev: '上一页',
  next: '下一页',
  pageOf: (p: number, n: number) => `第 ${p} / ${n} 页`,
};

/** `page` is 1-based; `pages` the number of pages; `onPage` gets the page to show. */
export default function Pager(p: { page: number; pages: number; onPage: (page: number) => void }) {
  if (p.pages <= 1) return null;
  return (
    <View className="pager">
      <Button size="small" disabled={p.page <= 1} onClick={() => p.onPage(p.page - 1)}>
        {messages.prev}
      </Button>
      <Text>{messages.pageOf(p.page, p.pages)}</Text>
      <Button size="small" disabled={p.page >= p.pages} onClick={() => p.onPage(p.page + 1)}>
        {messages.next}
      </Button>
    </View>
  );
}
